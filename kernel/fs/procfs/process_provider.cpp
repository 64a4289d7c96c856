// ProcessProvider over ProcessTable and the per-process files state.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/namei.h>
#include <kernel/fs/process_files.h>
#include <kernel/fs/procfs/pid_text.h>
#include <kernel/fs/procfs/proc_files.h>
#include <kernel/fs/procfs/proc_text.h>
#include <kernel/fs/procfs/process_provider.h>
#include <kernel/fs/procfs/procfs.h>
#include <kernel/process/process_table.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

namespace kernel::fs::procfs {

using ostd::Error;
using ostd::Result;
using ostd::String;

namespace {

// readlink(2) asks for a link's text without tree_lock(); a path walk that crosses the link
// (/proc/self/cwd/...) asks while it holds it.
Result<String> path_of(const Path& root, const Path& p) {
    if (tree_lock().is_held_by_current()) return path_string_locked(root, p);
    ostd::MutexGuard g(tree_lock());
    return path_string_locked(root, p);
}

Result<int> parse_fd(std::string_view s) {
    if (s.empty() || s.size() > 9) return Error(ENOENT);
    int fd = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return Error(ENOENT);
        fd = fd * 10 + (c - '0');
    }
    return fd;
}

Process* current_process() {
    ostd::Task* t = ostd::Task::current_or_null();
    if (!t || !t->data()) return nullptr;
    return &static_cast<Thread*>(t->data())->process();
}

/// ptrace_may_access(PTRACE_MODE_READ_FSCREDS), simplified: root, or the caller's fsuid is
/// every uid of the target. Kernel tasks (no process) may read.
bool may_inspect(Process& target) {
    Process* self = current_process();
    if (!self || self == &target) return true;
    Credentials me = self->creds();
    if (me.uids().effective == 0) return true;
    Credentials them = target.creds();
    Uid fsuid = me.uids().fs;
    return them.uids().real == fsuid && them.uids().effective == fsuid &&
           them.uids().saved == fsuid;
}

Result<String> fdinfo(ProcessFiles& f, std::string_view fd_text) {
    int fd = TRY(parse_fd(fd_text));
    auto got = f.fds->get(fd);
    if (got.is_error()) return Error(ENOENT, "no such descriptor");
    ostd::Ref<File> file = got.release_value();
    bool cloexec = TRY(f.fds->cloexec(fd));
    uint32_t flags = file->flags() | (cloexec ? abi::open::kCloexec : 0);
    String s;
    TRY(appendf(s, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
                (unsigned long long)file->offset(), flags, 0,
                (unsigned long long)(file->inode() ? file->inode()->ino() : 0)));
    return s;
}

class TableProvider final : public ProcessProvider {
public:
    int current_pid() override {
        Process* p = current_process();
        return p ? p->pid() : -1;
    }
    bool pid_exists(int pid) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        return p && p->state() != Process::State::kReaped;
    }
    bool pid_owner(int pid, uint32_t* uid, uint32_t* gid) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p || p->state() == Process::State::kReaped) return false;
        Credentials c = p->creds();
        *uid = c.uids().effective;
        *gid = c.gids().effective;
        return true;
    }
    void for_each_pid(void (*visit)(void*, int), void* ctx) override {
        auto all = ProcessTable::all_processes();
        if (all.is_error()) return;
        for (auto& p : all.value())
            visit(ctx, p->pid());
    }
    Result<String> read_file(int pid, std::string_view name) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p) return Error(ENOENT, "process vanished");
        if (name == "stat") return pid_stat(*p);
        if (name == "status") return pid_status(*p);
        if (name == "statm") return pid_statm(*p);
        if (name == "comm") return pid_comm(*p);
        if (name == "cmdline") return pid_cmdline(*p);
        if (name == "environ" || name == "maps") {
            if (!may_inspect(*p)) return Error(EACCES);
            return name == "maps" ? pid_maps(*p) : pid_environ(*p);
        }
        if (name == "mounts") {
            ProcessFiles* f = TRY(files_of(*p));
            return gen_mounts(f->fs->root());
        }
        if (name.substr(0, 7) == "fdinfo/") {
            if (!may_inspect(*p)) return Error(EACCES);
            if (p->state() != Process::State::kAlive) return Error(ENOENT);
            return fdinfo(*TRY(files_of(*p)), name.substr(7));
        }
        return Error(ENOENT);
    }
    Result<void> write_file(int pid, std::string_view name, std::string_view data) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p || p->state() != Process::State::kAlive) return Error(ESRCH);
        if (name != "comm") return Error(EINVAL);
        if (current_process() != p.ptr()) return Error(EINVAL, "comm of another process");
        p->set_name(data.data(), data.size());
        return ostd::ok();
    }
    Result<Path> link_path(int pid, std::string_view name) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p || p->state() != Process::State::kAlive) return Error(ENOENT);
        ostd::RefPtr<ProcessFiles> f = existing_files(*p);
        if (!f) return Error(ENOENT);
        if (name == "cwd") return f->fs->cwd();
        if (name == "root") return f->fs->root();
        if (name == "exe") {
            std::optional<Path> exe = f->exe();
            if (!exe) return Error(ENOENT, "no executable file");
            return std::move(*exe);
        }
        if (name.substr(0, 3) == "fd/") {
            int fd = TRY(parse_fd(name.substr(3)));
            auto got = f->fds->get(fd);
            if (got.is_error()) return Error(ENOENT, "no such descriptor");
            // Anonymous files (pipes, epoll) cannot be reopened by path here.
            if (!got.value()->path()) return Error(ENOENT, "anonymous file");
            return *got.value()->path();
        }
        return Error(ENOENT, "no such link");
    }
    Result<String> read_link(int pid, std::string_view name) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p || p->state() != Process::State::kAlive) return Error(ENOENT);
        ostd::RefPtr<ProcessFiles> f = existing_files(*p);
        if (!f) return Error(ENOENT);
        Path root = f->fs->root();
        if (name.substr(0, 3) == "fd/") {
            int fd = TRY(parse_fd(name.substr(3)));
            auto got = f->fds->get(fd);
            if (got.is_error()) return Error(ENOENT, "no such descriptor");
            ostd::Ref<File> file = got.release_value();
            if (file->path()) return path_of(root, *file->path());
            String s;
            TRY(appendf(s, "anon_inode:[%s]", file->is_epoll() ? "eventpoll" : "pipe"));
            return s;
        }
        Path target = TRY(link_path(pid, name));
        return path_of(root, target);
    }
    void for_each_fd(int pid, void (*visit)(void*, int), void* ctx) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p) return;
        auto f = files_of(*p);
        if (f.is_error()) return;
        f.value()->fds->for_each([&](int fd, File&) { visit(ctx, fd); });
    }
};

TableProvider g_provider;

}  // namespace

void install_process_provider() {
    set_process_provider(&g_provider);
}

}  // namespace kernel::fs::procfs
