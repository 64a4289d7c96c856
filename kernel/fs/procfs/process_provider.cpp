// ProcessProvider over ProcessTable and the per-process files state.
#include <kernel/fs/namei.h>
#include <kernel/fs/process_files.h>
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

char state_char(const Process& p) {
    return p.state() == Process::State::kAlive ? 'S' : 'Z';
}

uint64_t ticks(uint64_t ns) {
    return ns / (ostd::time::kNsPerSec / 100);
}  // USER_HZ = 100

// readlink(2) asks for a link's text without tree_lock(); a path walk that crosses the link
// (/proc/self/cwd/...) asks while it holds it.
Result<String> path_of(const Path& root, const Path& p) {
    if (tree_lock().is_held_by_current()) return path_string_locked(root, p);
    ostd::MutexGuard g(tree_lock());
    return path_string_locked(root, p);
}

class TableProvider final : public ProcessProvider {
public:
    int current_pid() override {
        ostd::Task* t = ostd::Task::current_or_null();
        if (!t || !t->data()) return -1;
        return static_cast<Thread*>(t->data())->process().pid();
    }
    bool pid_exists(int pid) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        return p && p->state() != Process::State::kReaped;
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
        if (name == "stat") return stat(*p);
        if (name == "status") return status(*p);
        if (name == "mounts") {
            ProcessFiles* f = TRY(files_of(*p));
            return gen_mounts(f->fs->root());
        }
        if (name == "cmdline" || name == "environ" || name == "maps") return String();
        return Error(ENOENT);
    }
    Result<String> read_link(int pid, std::string_view name) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p || p->state() != Process::State::kAlive) return Error(ENOENT);
        ProcessFiles* f = TRY(files_of(*p));
        Path root = f->fs->root();
        if (name == "cwd") return path_of(root, f->fs->cwd());
        if (name == "root") return path_of(root, root);
        if (name.substr(0, 3) == "fd/") {
            int fd = 0;
            for (char c : name.substr(3)) {
                if (c < '0' || c > '9') return Error(ENOENT);
                fd = fd * 10 + (c - '0');
            }
            ostd::Ref<File> file = TRY(f->fds->get(fd));
            if (file->path()) return path_of(root, *file->path());
            String s;
            TRY(appendf(s, "anon_inode:[%s]", file->is_epoll() ? "eventpoll" : "pipe"));
            return s;
        }
        return Error(ENOENT, "no such link");
    }
    void for_each_fd(int pid, void (*visit)(void*, int), void* ctx) override {
        ostd::RefPtr<Process> p = ProcessTable::find_process(pid);
        if (!p) return;
        auto f = files_of(*p);
        if (f.is_error()) return;
        f.value()->fds->for_each([&](int fd, File&) { visit(ctx, fd); });
    }

private:
    static Result<String> stat(Process& p) {
        char name[16];
        p.copy_name(name);
        Process::CpuTimes t = p.cpu_times();
        String s;
        TRY(appendf(s, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 ", p.pid(), name, state_char(p),
                    p.ppid(), p.pgid(), p.sid()));
        TRY(appendf(s, "%llu %llu %llu %llu 20 0 %zu 0 0 0 0 ", (unsigned long long)ticks(t.utime),
                    (unsigned long long)ticks(t.stime), (unsigned long long)ticks(t.cutime),
                    (unsigned long long)ticks(t.cstime), p.thread_count()));
        // rsslim .. exit_code: the remaining 29 fields, zero where not tracked.
        TRY(appendf(s, "18446744073709551615"));
        for (int i = 0; i < 28; ++i)
            TRY(appendf(s, " 0"));
        TRY(appendf(s, "\n"));
        return s;
    }
    static Result<String> status(Process& p) {
        char name[16];
        p.copy_name(name);
        Credentials c = p.creds();
        String s;
        TRY(appendf(s, "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\n", name, p.umask(), state_char(p),
                    state_char(p) == 'Z' ? "zombie" : "sleeping"));
        TRY(appendf(s, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p.pid(),
                    p.pid(), p.ppid()));
        TRY(appendf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c.uids().real,
                    c.uids().effective, c.uids().saved, c.uids().fs, c.gids().real,
                    c.gids().effective, c.gids().saved, c.gids().fs));
        TRY(appendf(s, "Groups:\t"));
        for (Gid g : c.groups())
            TRY(appendf(s, "%u ", g));
        TRY(appendf(s, "\nThreads:\t%zu\n", p.thread_count()));
        return s;
    }
};

TableProvider g_provider;

}  // namespace

void install_process_provider() {
    set_process_provider(&g_provider);
}

}  // namespace kernel::fs::procfs
