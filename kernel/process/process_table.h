// The process table: pid allocation, lookup, the process tree (fork, exit, zombies, reparenting
// to init, wait), process groups and sessions. One per booted machine.
// Lock order: the tree lock is taken before any Process::lock_.
#pragma once

#include <cstdint>

#include <ostd/common/ref.h>
#include <ostd/common/result.h>
#include <ostd/sync/mutex.h>

#include <kernel/process/process.h>

namespace kernel {

/// Callbacks other subsystems install to take part in the life of processes. Any may be null.
struct ProcessHooks {
    /// fork/clone: copy or share per-process state (files, fs, signal handlers) into child.
    ostd::Result<void> (*on_fork)(Process& parent, Process& child, uint64_t clone_flags) = nullptr;
    /// A thread left its user loop (before it is removed from its process).
    void (*on_thread_exit)(Thread& thread) = nullptr;
    /// The last thread exited: release per-process resources (close files, ...).
    void (*on_process_exit)(Process& process) = nullptr;
    /// A child changed state (exit/stop/continue): deliver SIGCHLD to parent.
    void (*on_child_state)(Process& parent, Process& child) = nullptr;
};

inline constexpr Pid kPidMax = 32768;  // /proc/sys/kernel/pid_max default

/// wait4/waitid request.
struct WaitRequest {
    enum class Which : uint8_t { kAny, kPid, kPgid };
    Which which = Which::kAny;
    Pid id = 0;
    bool want_exited = true;
    bool want_stopped = false;    // WUNTRACED / WSTOPPED
    bool want_continued = false;  // WCONTINUED
    bool nohang = false;          // WNOHANG
    bool nowait = false;          // WNOWAIT: leave the child waitable
};
struct WaitResult {
    Pid pid = 0;       // 0: WNOHANG and nothing ready
    int status = 0;    // wait4 status word
    int code = 0;      // CLD_EXITED / CLD_KILLED / CLD_DUMPED / CLD_STOPPED / CLD_CONTINUED
    int value = 0;     // exit code or signal for waitid's si_status
    uint32_t uid = 0;
};

class ProcessTable {
public:
    /// Sets up an empty table for a new machine / tears it down after the machine stopped.
    static void init();
    static void shutdown();

    static void add_hooks(const ProcessHooks* hooks);

    /// Creates the init process (pid 1) with an empty address space, not yet running.
    static ostd::Result<ostd::Ref<Thread>> create_init();
    /// fork/clone of a whole process: new pid, copy-on-write address space (or shared with
    /// CLONE_VM), hooks run. EAGAIN over RLIMIT_NPROC or out of pids; ENOMEM.
    static ostd::Result<ostd::Ref<Thread>> fork_process(Thread& parent, uint64_t clone_flags);
    /// CLONE_THREAD: a new thread in parent's process. EAGAIN / ENOMEM.
    static ostd::Result<ostd::Ref<Thread>> create_thread(Thread& parent);

    static ostd::RefPtr<Process> find_process(Pid pid);
    static ostd::RefPtr<Thread> find_thread(Pid tid);
    /// Every live process (for kill(-1), /proc). ENOMEM.
    static ostd::Result<ostd::Vector<ostd::Ref<Process>>> all_processes();
    /// Processes in process group pgid.
    static ostd::Result<ostd::Vector<ostd::Ref<Process>>> process_group(Pid pgid);

    /// The calling thread leaves its user loop for good: detaches it, and when it was the last
    /// thread turns the process into a zombie with `status` (a wait status word).
    static void exit_thread(Thread& thread, int status);
    /// exit_group/fatal signal: every thread of the process is asked to exit with `status`.
    static void exit_group(Process& process, int status);

    /// wait4/waitid for `parent`. ECHILD when nothing matches; EINTR/ERESTARTSYS when interrupted.
    static ostd::Result<WaitResult> wait(Process& parent, const WaitRequest& req);

    /// Job-control state changes reported to the parent (called by the signal subsystem).
    static void report_stopped(Process& p, int sig);
    static void report_continued(Process& p);

    static ostd::Result<void> setpgid(Process& caller, Pid pid, Pid pgid);
    static ostd::Result<Pid> getpgid(Process& caller, Pid pid);
    static ostd::Result<Pid> setsid(Process& caller);
    static ostd::Result<Pid> getsid(Process& caller, Pid pid);
    /// Marks that `p` has called execve (setpgid on it then fails with EACCES).
    static void note_exec(Process& p);

    /// Live processes (for /proc/loadavg, sysinfo).
    static size_t process_count();
};

}  // namespace kernel
