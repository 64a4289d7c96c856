// procfs inodes: generated files, the static tree, /proc/self and per-process directories
// computed from the ProcessProvider.
#include <atomic>
#include <iterator>

#include <kernel/fs/dentry.h>
#include <kernel/fs/file.h>
#include <kernel/fs/procfs/proc_files.h>
#include <kernel/fs/procfs/proc_text.h>
#include <kernel/fs/procfs/procfs.h>

namespace kernel::fs::procfs {

using ostd::Error;
using ostd::Ref;
using ostd::RefPtr;
using ostd::Result;
using ostd::String;

namespace {

std::atomic<ProcessProvider*> g_provider{nullptr};
ProcessProvider* provider() {
    return g_provider.load(std::memory_order_acquire);
}

using Generator = Result<String> (*)(const Path&);

/// Inode numbers: static entries count up from 1; per-process ones are pid << 12 | slot.
constexpr uint64_t pid_ino(int pid, uint64_t slot) {
    return (uint64_t(pid) << 12) | slot | (1ull << 40);
}

class GenFile final : public Inode {
public:
    GenFile(SuperBlock* sb, Generator gen, uint64_t ino = 0)
        : Inode(sb, NewInode{FileType::kRegular, 0444, 0, 0}, ino), gen_(gen) {}
    Result<Ref<File>> open(const Path& path, uint32_t flags) override {
        return open_snapshot_file(path, flags, TRY(gen_(path)));
    }

private:
    Generator gen_;
};

class PlainDir final : public Inode {
public:
    explicit PlainDir(SuperBlock* sb, uint32_t perm = 0555)
        : Inode(sb, NewInode{FileType::kDirectory, perm, 0, 0}) {}
};

class SelfLink final : public Inode {
public:
    explicit SelfLink(SuperBlock* sb) : Inode(sb, NewInode{FileType::kSymlink, 0777, 0, 0}) {}
    Result<String> read_link() const override {
        ProcessProvider* p = provider();
        int pid = p ? p->current_pid() : -1;
        if (pid < 0) return Error(ENOENT, "/proc/self outside a process");
        String s;
        TRY(appendf(s, "%d", pid));
        return s;
    }
};

class PidFile final : public Inode {
public:
    PidFile(SuperBlock* sb, int pid, std::string_view name, uint64_t slot)
        : Inode(sb, NewInode{FileType::kRegular, 0444, 0, 0}, pid_ino(pid, slot)),
          pid_(pid),
          name_(name) {}
    Result<Ref<File>> open(const Path& path, uint32_t flags) override {
        ProcessProvider* p = provider();
        if (!p) return Error(ENOENT);
        return open_snapshot_file(path, flags, TRY(p->read_file(pid_, name_)));
    }

private:
    int pid_;
    std::string_view name_;  // static string from kPidFiles
};

class PidLink final : public Inode {
public:
    PidLink(SuperBlock* sb, int pid, String name, uint64_t slot)
        : Inode(sb, NewInode{FileType::kSymlink, 0777, 0, 0}, pid_ino(pid, slot)),
          pid_(pid),
          name_(std::move(name)) {}
    Result<String> read_link() const override {
        ProcessProvider* p = provider();
        if (!p) return Error(ENOENT);
        return p->read_link(pid_, name_.view());
    }

private:
    int pid_;
    String name_;
};

constexpr std::string_view kPidFiles[] = {"stat", "status", "cmdline", "environ", "maps", "mounts"};
constexpr std::string_view kPidLinks[] = {"exe", "cwd", "root"};

Result<int> parse_pid(std::string_view s) {
    if (s.empty() || s.size() > 9) return Error(ENOENT);
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return Error(ENOENT);
        v = v * 10 + (c - '0');
    }
    if (s[0] == '0') return Error(ENOENT);
    return v;
}

class FdDir final : public Inode {
public:
    FdDir(SuperBlock* sb, int pid)
        : Inode(sb, NewInode{FileType::kDirectory, 0500, 0, 0}, pid_ino(pid, 64)), pid_(pid) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        ProcessProvider* p = provider();
        auto fd = parse_pid(name);
        if (!p || (fd.is_error() && name != "0")) return RefPtr<Inode>();
        String link;
        TRY(appendf(link, "fd/%.*s", int(name.size()), name.data()));
        // Existence is checked when the link is read (the provider reports ENOENT).
        return RefPtr<Inode>(TRY(ostd::try_make_ref<PidLink>(super_block(), pid_, std::move(link),
                                                             128 + uint64_t(fd.value_or(0)))));
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        ProcessProvider* p = provider();
        if (!p) return ostd::ok();
        struct C {
            DirVisit visit;
            void* ctx;
            int pid;
            Error err{0};
        } c{visit, ctx, pid_};
        p->for_each_fd(
            pid_,
            [](void* raw, int fd) {
                auto* c = static_cast<C*>(raw);
                char name[16];
                size_t n = ostd::format(name, sizeof name, "%d", fd);
                auto r = c->visit(c->ctx, std::string_view(name, n),
                                  pid_ino(c->pid, 128 + uint64_t(fd)), FileType::kSymlink);
                if (r.is_error()) c->err = r.error();
            },
            &c);
        if (c.err.code()) return c.err;
        return ostd::ok();
    }

private:
    int pid_;
};

class PidDir final : public Inode {
public:
    PidDir(SuperBlock* sb, int pid)
        : Inode(sb, NewInode{FileType::kDirectory, 0555, 0, 0}, pid_ino(pid, 0)), pid_(pid) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        for (size_t i = 0; i < std::size(kPidFiles); ++i)
            if (name == kPidFiles[i])
                return RefPtr<Inode>(
                    TRY(ostd::try_make_ref<PidFile>(super_block(), pid_, kPidFiles[i], 1 + i)));
        for (size_t i = 0; i < std::size(kPidLinks); ++i)
            if (name == kPidLinks[i])
                return RefPtr<Inode>(TRY(ostd::try_make_ref<PidLink>(
                    super_block(), pid_, TRY(String::from(kPidLinks[i])), 16 + i)));
        if (name == "fd") return RefPtr<Inode>(TRY(ostd::try_make_ref<FdDir>(super_block(), pid_)));
        return RefPtr<Inode>();
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        for (size_t i = 0; i < std::size(kPidFiles); ++i)
            TRY(visit(ctx, kPidFiles[i], pid_ino(pid_, 1 + i), FileType::kRegular));
        for (size_t i = 0; i < std::size(kPidLinks); ++i)
            TRY(visit(ctx, kPidLinks[i], pid_ino(pid_, 16 + i), FileType::kSymlink));
        return visit(ctx, "fd", pid_ino(pid_, 64), FileType::kDirectory);
    }

private:
    int pid_;
};

class RootDir final : public Inode {
public:
    explicit RootDir(SuperBlock* sb) : Inode(sb, NewInode{FileType::kDirectory, 0555, 0, 0}) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        ProcessProvider* p = provider();
        auto pid = parse_pid(name);
        if (!p || pid.is_error() || !p->pid_exists(pid.value())) return RefPtr<Inode>();
        return RefPtr<Inode>(TRY(ostd::try_make_ref<PidDir>(super_block(), pid.value())));
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        ProcessProvider* p = provider();
        if (!p) return ostd::ok();
        struct C {
            DirVisit visit;
            void* ctx;
            Error err{0};
        } c{visit, ctx};
        p->for_each_pid(
            [](void* raw, int pid) {
                auto* c = static_cast<C*>(raw);
                char name[16];
                size_t n = ostd::format(name, sizeof name, "%d", pid);
                auto r = c->visit(c->ctx, std::string_view(name, n), pid_ino(pid, 0),
                                  FileType::kDirectory);
                if (r.is_error() && c->err.code() == 0) c->err = r.error();
            },
            &c);
        if (c.err.code()) return c.err;
        return ostd::ok();
    }
};

/// Adds `inode` as `name` under `dir`. Requires tree_lock().
Result<Ref<Dentry>> add(const Ref<Dentry>& dir, std::string_view name, Ref<Inode> inode) {
    inode->set_nlink(inode->is_dir() ? 2 : 1);
    Ref<Dentry> d = TRY(Dentry::create(name, dir, std::move(inode)));
    TRY(dir->add_child(d));
    if (d->inode().is_dir()) dir->inode().inc_nlink();
    return d;
}

Result<Ref<SuperBlock>> mount_proc(std::string_view) {
    return create();
}

}  // namespace

void set_process_provider(ProcessProvider* p) {
    g_provider.store(p, std::memory_order_release);
}

Result<Ref<SuperBlock>> create() {
    Ref<SuperBlock> sb = TRY(SuperBlock::create("proc", kProcMagic));
    SuperBlock* s = sb.ptr();
    Ref<Inode> root_inode = Ref<Inode>(TRY(ostd::try_make_ref<RootDir>(s)));
    root_inode->set_nlink(2);
    Ref<Dentry> root = TRY(Dentry::create("/", nullptr, root_inode));
    sb->set_root(root);
    ostd::MutexGuard g(tree_lock());
    struct Entry {
        const char* name;
        Generator gen;
    };
    const Entry files[] = {{"meminfo", gen_meminfo},
                           {"cpuinfo", gen_cpuinfo},
                           {"uptime", gen_uptime},
                           {"filesystems", gen_filesystems},
                           {"mounts", gen_mounts}};
    for (const Entry& e : files)
        TRY(add(root, e.name, Ref<Inode>(TRY(ostd::try_make_ref<GenFile>(s, e.gen)))));
    TRY(add(root, "self", Ref<Inode>(TRY(ostd::try_make_ref<SelfLink>(s)))));
    Ref<Dentry> sys = TRY(add(root, "sys", Ref<Inode>(TRY(ostd::try_make_ref<PlainDir>(s)))));
    Ref<Dentry> kern = TRY(add(sys, "kernel", Ref<Inode>(TRY(ostd::try_make_ref<PlainDir>(s)))));
    const Entry kfiles[] = {
        {"ostype", gen_ostype}, {"osrelease", gen_osrelease}, {"hostname", gen_hostname}};
    for (const Entry& e : kfiles)
        TRY(add(kern, e.name, Ref<Inode>(TRY(ostd::try_make_ref<GenFile>(s, e.gen)))));
    return sb;
}

const FileSystemType kProcType{"proc", false, &mount_proc};

}  // namespace kernel::fs::procfs
