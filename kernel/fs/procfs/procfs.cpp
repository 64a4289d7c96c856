// procfs inodes: generated files, the static tree, /proc/self and per-process directories
// computed from the ProcessProvider.
#include <atomic>
#include <iterator>
#include <span>

#include <kernel/abi/fcntl.h>
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
        : Inode(sb, NewInode{FileType::kRegular, 0444, 0, 0}, ino), gen_(gen) {
        set_nlink(1);
    }
    Result<Ref<File>> open(const Path& path, uint32_t flags) override {
        return open_snapshot_file(path, flags, TRY(gen_(path)));
    }

private:
    Generator gen_;
};

class SelfLink final : public Inode {
public:
    SelfLink(SuperBlock* sb, uint64_t ino)
        : Inode(sb, NewInode{FileType::kSymlink, 0777, 0, 0}, ino) {
        set_nlink(1);
    }
    Result<String> read_link() const override {
        ProcessProvider* p = provider();
        int pid = p ? p->current_pid() : -1;
        if (pid < 0) return Error(ENOENT, "/proc/self outside a process");
        String s;
        TRY(appendf(s, "%d", pid));
        return s;
    }
};

/// /proc/<pid>/comm: a snapshot to read, and writes that rename the process.
class CommFile final : public File {
public:
    CommFile(const Path& p, uint32_t flags, int pid, String text)
        : File(&p, p.dentry->inode_ref(), flags), pid_(pid), text_(std::move(text)) {}
    Result<size_t> read(ostd::VmWriter& out) override {
        ostd::MutexGuard g(pos_lock_);
        size_t n = TRY(pread(out, pos_));
        pos_ += n;
        return n;
    }
    Result<size_t> pread(ostd::VmWriter& out, uint64_t off) override {
        if (off >= text_.size()) return size_t(0);
        std::string_view v = text_.view().substr(off);
        return out.write(std::as_bytes(std::span<const char>(v.data(), v.size())));
    }
    Result<size_t> write(ostd::VmReader& in) override {
        size_t count = in.remaining();
        char buf[15];  // TASK_COMM_LEN - 1: the rest of a longer write is dropped.
        size_t n = count < sizeof buf ? count : sizeof buf;
        size_t got = TRY(in.read(std::as_writable_bytes(std::span<char>(buf, n))));
        if (got != n) return Error(EFAULT);
        ProcessProvider* p = provider();
        if (!p) return Error(ESRCH);
        TRY(p->write_file(pid_, "comm", std::string_view(buf, n)));
        return count;
    }
    Result<size_t> pwrite(ostd::VmReader& in, uint64_t) override { return write(in); }

private:
    int pid_;
    String text_;
};

class PidFile final : public Inode {
public:
    PidFile(SuperBlock* sb, int pid, String name, uint64_t slot, uint32_t perm, uint32_t uid,
            uint32_t gid)
        : Inode(sb, NewInode{FileType::kRegular, perm, uid, gid}, pid_ino(pid, slot)),
          pid_(pid),
          name_(std::move(name)) {}
    Result<Ref<File>> open(const Path& path, uint32_t flags) override {
        ProcessProvider* p = provider();
        if (!p) return Error(ENOENT);
        String text = TRY(p->read_file(pid_, name_.view()));
        if (name_ == "comm" && !(flags & abi::open::kPath))
            return Ref<File>(TRY(ostd::try_make_ref<CommFile>(path, flags, pid_, std::move(text))));
        return open_snapshot_file(path, flags, std::move(text));
    }
    // proc_setattr ignores size changes, so O_TRUNC opens (shell redirections) work.
    Result<void> truncate(uint64_t) override { return ostd::ok(); }

private:
    int pid_;
    String name_;
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
    Result<bool> jump_link(Path* out) const override {
        ProcessProvider* p = provider();
        if (!p) return Error(ENOENT);
        *out = TRY(p->link_path(pid_, name_.view()));
        return true;
    }

private:
    int pid_;
    String name_;
};

struct PidFileSpec {
    std::string_view name;
    uint32_t perm;
};
constexpr PidFileSpec kPidFiles[] = {{"stat", 0444},    {"status", 0444}, {"cmdline", 0444},
                                     {"environ", 0400}, {"maps", 0444},   {"mounts", 0444},
                                     {"statm", 0444},   {"comm", 0644}};
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

/// /proc/<pid>/fd (symlinks to the open files) and /proc/<pid>/fdinfo (text files).
class FdDir final : public Inode {
public:
    enum class Kind { kLinks, kInfo };
    FdDir(SuperBlock* sb, int pid, Kind kind, uint32_t uid, uint32_t gid)
        : Inode(sb, NewInode{FileType::kDirectory, kind == Kind::kLinks ? 0500u : 0555u, uid, gid},
                pid_ino(pid, kind == Kind::kLinks ? 64 : 65)),
          pid_(pid),
          kind_(kind),
          uid_(uid),
          gid_(gid) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        ProcessProvider* p = provider();
        auto fd = parse_pid(name);
        if (!p || (fd.is_error() && name != "0")) return RefPtr<Inode>();
        String entry;
        TRY(appendf(entry, "%s/%.*s", kind_ == Kind::kLinks ? "fd" : "fdinfo", int(name.size()),
                    name.data()));
        uint64_t slot = slot_base() + uint64_t(fd.value_or(0));
        // Existence is checked when the entry is read (the provider reports ENOENT).
        if (kind_ == Kind::kInfo)
            return RefPtr<Inode>(TRY(ostd::try_make_ref<PidFile>(
                super_block(), pid_, std::move(entry), slot, 0444, uid_, gid_)));
        return RefPtr<Inode>(
            TRY(ostd::try_make_ref<PidLink>(super_block(), pid_, std::move(entry), slot)));
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        ProcessProvider* p = provider();
        if (!p) return ostd::ok();
        struct C {
            DirVisit visit;
            void* ctx;
            int pid;
            uint64_t base;
            FileType type;
            Error err{0};
        } c{visit, ctx, pid_, slot_base(),
            kind_ == Kind::kLinks ? FileType::kSymlink : FileType::kRegular};
        p->for_each_fd(
            pid_,
            [](void* raw, int fd) {
                auto* c = static_cast<C*>(raw);
                char name[16];
                size_t n = ostd::format(name, sizeof name, "%d", fd);
                auto r = c->visit(c->ctx, std::string_view(name, n),
                                  pid_ino(c->pid, c->base + uint64_t(fd)), c->type);
                if (r.is_error()) c->err = r.error();
            },
            &c);
        if (c.err.code()) return c.err;
        return ostd::ok();
    }

private:
    // Inode slots: fd links from 128, fdinfo files from 2048 (both below 4096 = pid_ino's room;
    // larger fds share numbers, which only matters for st_ino).
    uint64_t slot_base() const { return kind_ == Kind::kLinks ? 128 : 2048; }
    int pid_;
    Kind kind_;
    uint32_t uid_, gid_;
};

class PidDir final : public Inode {
public:
    PidDir(SuperBlock* sb, int pid, uint32_t uid, uint32_t gid)
        : Inode(sb, NewInode{FileType::kDirectory, 0555, uid, gid}, pid_ino(pid, 0)),
          pid_(pid),
          uid_(uid),
          gid_(gid) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        for (size_t i = 0; i < std::size(kPidFiles); ++i)
            if (name == kPidFiles[i].name)
                return RefPtr<Inode>(
                    TRY(ostd::try_make_ref<PidFile>(super_block(), pid_, TRY(String::from(name)),
                                                    1 + i, kPidFiles[i].perm, uid_, gid_)));
        for (size_t i = 0; i < std::size(kPidLinks); ++i)
            if (name == kPidLinks[i])
                return RefPtr<Inode>(TRY(ostd::try_make_ref<PidLink>(
                    super_block(), pid_, TRY(String::from(kPidLinks[i])), 16 + i)));
        if (name == "fd" || name == "fdinfo")
            return RefPtr<Inode>(TRY(ostd::try_make_ref<FdDir>(
                super_block(), pid_, name == "fd" ? FdDir::Kind::kLinks : FdDir::Kind::kInfo, uid_,
                gid_)));
        return RefPtr<Inode>();
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        for (size_t i = 0; i < std::size(kPidFiles); ++i)
            TRY(visit(ctx, kPidFiles[i].name, pid_ino(pid_, 1 + i), FileType::kRegular));
        for (size_t i = 0; i < std::size(kPidLinks); ++i)
            TRY(visit(ctx, kPidLinks[i], pid_ino(pid_, 16 + i), FileType::kSymlink));
        TRY(visit(ctx, "fd", pid_ino(pid_, 64), FileType::kDirectory));
        return visit(ctx, "fdinfo", pid_ino(pid_, 65), FileType::kDirectory);
    }

private:
    int pid_;
    uint32_t uid_, gid_;
};

/// The system-wide entries: a fixed tree whose inodes are made on lookup, like the per-process
/// ones, so a mount costs one inode. Inode numbers are fixed (the root is 1).
enum class StaticKind : uint8_t { kGen, kSelf, kDir };
struct StaticEntry {
    std::string_view name;
    StaticKind kind;
    uint64_t ino;
    Generator gen;
    std::span<const StaticEntry> children;
};
constexpr StaticEntry kSysKernel[] = {{"ostype", StaticKind::kGen, 12, gen_ostype, {}},
                                      {"osrelease", StaticKind::kGen, 13, gen_osrelease, {}},
                                      {"hostname", StaticKind::kGen, 14, gen_hostname, {}}};
constexpr StaticEntry kSys[] = {{"kernel", StaticKind::kDir, 11, nullptr, kSysKernel}};
constexpr StaticEntry kTop[] = {{"meminfo", StaticKind::kGen, 2, gen_meminfo, {}},
                                {"cpuinfo", StaticKind::kGen, 3, gen_cpuinfo, {}},
                                {"uptime", StaticKind::kGen, 4, gen_uptime, {}},
                                {"stat", StaticKind::kGen, 5, gen_stat, {}},
                                {"loadavg", StaticKind::kGen, 6, gen_loadavg, {}},
                                {"filesystems", StaticKind::kGen, 7, gen_filesystems, {}},
                                {"mounts", StaticKind::kGen, 8, gen_mounts, {}},
                                {"self", StaticKind::kSelf, 9, nullptr, {}},
                                {"sys", StaticKind::kDir, 10, nullptr, kSys}};
constexpr uint64_t kRootIno = 1;

FileType static_type(StaticKind k) {
    if (k == StaticKind::kGen) return FileType::kRegular;
    return k == StaticKind::kSelf ? FileType::kSymlink : FileType::kDirectory;
}

/// A directory of the static tree; the root also holds the per-process directories.
class StaticDir final : public Inode {
public:
    StaticDir(SuperBlock* sb, std::span<const StaticEntry> entries, uint64_t ino, bool pids)
        : Inode(sb, NewInode{FileType::kDirectory, 0555, 0, 0}, ino),
          entries_(entries),
          pids_(pids) {
        uint32_t nlink = 2;
        for (const StaticEntry& e : entries) nlink += e.kind == StaticKind::kDir;
        set_nlink(nlink);
    }
    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        for (const StaticEntry& e : entries_)
            if (e.name == name) return RefPtr<Inode>(TRY(make(e)));
        ProcessProvider* p = provider();
        auto pid = parse_pid(name);
        uint32_t uid = 0, gid = 0;
        if (!pids_ || !p || pid.is_error() || !p->pid_owner(pid.value(), &uid, &gid))
            return RefPtr<Inode>();
        return RefPtr<Inode>(TRY(ostd::try_make_ref<PidDir>(super_block(), pid.value(), uid, gid)));
    }
    Result<void> list_computed(DirVisit visit, void* ctx) override {
        for (const StaticEntry& e : entries_) TRY(visit(ctx, e.name, e.ino, static_type(e.kind)));
        ProcessProvider* p = provider();
        if (!pids_ || !p) return ostd::ok();
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

private:
    Result<Ref<Inode>> make(const StaticEntry& e) {
        SuperBlock* s = super_block();
        switch (e.kind) {
            case StaticKind::kGen:
                return Ref<Inode>(TRY(ostd::try_make_ref<GenFile>(s, e.gen, e.ino)));
            case StaticKind::kSelf:
                return Ref<Inode>(TRY(ostd::try_make_ref<SelfLink>(s, e.ino)));
            case StaticKind::kDir:
                break;
        }
        return Ref<Inode>(TRY(ostd::try_make_ref<StaticDir>(s, e.children, e.ino, false)));
    }

    std::span<const StaticEntry> entries_;
    bool pids_;
};

Result<Ref<SuperBlock>> mount_proc(std::string_view) {
    return create();
}

}  // namespace

ProcessProvider* process_provider() {
    return provider();
}

void set_process_provider(ProcessProvider* p) {
    g_provider.store(p, std::memory_order_release);
}

Result<Ref<SuperBlock>> create() {
    Ref<SuperBlock> sb = TRY(SuperBlock::create("proc", kProcMagic));
    Ref<Inode> root_inode =
        Ref<Inode>(TRY(ostd::try_make_ref<StaticDir>(sb.ptr(), kTop, kRootIno, true)));
    sb->set_root(TRY(Dentry::create("/", nullptr, std::move(root_inode))));
    return sb;
}

const FileSystemType kProcType{"proc", false, &mount_proc};

}  // namespace kernel::fs::procfs
