// Processes and threads: identity (pid/tgid/ppid, process group, session), credentials, limits,
// the process tree with zombies and reparenting, and each thread's user-mode state.
// Lock order: g_tree_lock (process_table.h) -> Process::lock_ -> AddressSpace -> ostd locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include <ostd/common/ref.h>
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>
#include <ostd/user/user_mode.h>

#include <kernel/process/credentials.h>
#include <kernel/process/rlimit.h>
#include <kernel/vm/address_space.h>

namespace kernel {

using Pid = int32_t;
class Process;

/// One thread of a process: a kernel task running the user loop.
class Thread : public ostd::RefCounted<Thread> {
public:
    Pid tid() const { return tid_; }
    Process& process() const { return *process_; }
    ostd::Ref<Process> process_ref() const { return process_; }

    /// The user-mode CPU state; valid while the thread runs its user loop (from task start to
    /// exit). Syscall handlers use it for fork/clone/exec/signal frames.
    ostd::UserMode& user_mode() { return *user_mode_; }
    bool has_user_mode() const { return user_mode_ != nullptr; }
    /// For the user loop only: publishes (or clears) the UserMode living on its stack.
    void attach_user_mode(ostd::UserMode* um) { user_mode_ = um; }

    /// set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken at exit.
    uint64_t clear_child_tid = 0;
    uint64_t robust_list_head = 0;
    uint64_t robust_list_len = 0;

    /// Asks the thread to leave its user loop at the next opportunity (exit, exit_group, kill).
    void request_exit() { exit_requested_.store(true, std::memory_order_release); }
    bool exit_requested() const { return exit_requested_.load(std::memory_order_acquire); }

    /// The ostd task running this thread (null before start).
    ostd::Task* task() const { return task_.load(std::memory_order_acquire); }

    /// Opaque per-thread state owned by other subsystems (signals), created on demand.
    void* signal_state = nullptr;
    /// The syscall number being served (for restarts).
    int64_t orig_syscall_nr = -1;
    /// Wait status this thread leaves with when it is the process's last (exit(2)).
    int exit_status = 0;
    /// CPU time accounting by the user loop: time in user mode and in the kernel on its behalf.
    std::atomic<uint64_t> utime_ns{0};
    std::atomic<uint64_t> stime_ns{0};
    /// sched_setaffinity mask (reported by sched_getaffinity).
    uint64_t affinity = ~uint64_t{0};

private:
    friend class ProcessTable;
    friend ostd::Result<void> start_thread(ostd::Ref<Thread>, const ostd::UserContext&);
    template <typename T, typename... Args>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(Args&&... args);
    Thread(Pid tid, ostd::Ref<Process> process) : tid_(tid), process_(std::move(process)) {}

    Pid tid_;
    ostd::Ref<Process> process_;
    ostd::UserMode* user_mode_ = nullptr;  // Lives on the thread's task stack (user loop).
    // Published by start_thread while the task may already run (and read it): atomic.
    std::atomic<ostd::Task*> task_{nullptr};
    // Keeps task_ valid for as long as the Thread lives (the task may exit first).
    std::optional<ostd::TaskRef> task_ref_;
    std::atomic<bool> exit_requested_{false};
};

/// Encoded wait status (as wait4 reports it).
inline constexpr int wait_status_exited(int code) { return (code & 0xff) << 8; }
inline constexpr int wait_status_signaled(int sig, bool core) { return sig | (core ? 0x80 : 0); }

class Process : public ostd::RefCounted<Process> {
public:
    enum class State : uint8_t { kAlive, kZombie, kReaped };

    Pid pid() const { return pid_; }
    /// Parent's pid (1 after reparenting; 0 for init). Reads under the tree lock.
    Pid ppid() const;
    Pid pgid() const;
    Pid sid() const;
    State state() const;
    /// The exit status word for wait4 (valid when a zombie).
    int exit_status() const;

    AddressSpace& address_space() const { return *as_; }
    ostd::Ref<AddressSpace> address_space_ref() const { return as_; }
    /// Switches to a new image's address space (execve). Precondition: single-threaded.
    void set_address_space(ostd::Ref<AddressSpace> as);

    /// Credentials (copy) and update under the process lock.
    Credentials creds() const;
    template <typename F>
    auto update_creds(F&& fn) {
        ostd::MutexGuard g(lock_);
        return fn(creds_);
    }
    Rlimit rlimit(Resource r) const;
    ostd::Result<Rlimit> get_rlimit(uint32_t resource) const;
    ostd::Result<void> set_rlimit(uint32_t resource, const Rlimit& value);

    /// Process name (comm): at most 15 bytes, as prctl(PR_SET_NAME) and /proc/pid/comm.
    void set_name(const char* name, size_t len);
    void copy_name(char out[16]) const;

    uint32_t umask() const { return umask_.load(std::memory_order_relaxed); }
    uint32_t exchange_umask(uint32_t mask) { return umask_.exchange(mask & 0777); }

    /// Live threads (for exit_group, kill, /proc).
    size_t thread_count() const;
    ostd::Result<ostd::Vector<ostd::Ref<Thread>>> threads() const;

    /// CPU time of the process (live + exited threads) and of its reaped children, in ns.
    struct CpuTimes {
        uint64_t utime = 0, stime = 0, cutime = 0, cstime = 0;
    };
    CpuTimes cpu_times() const;

    /// Monotonic time of creation (fork), for /proc/pid/stat's starttime.
    uint64_t start_time_ns() const { return start_time_ns_; }

    /// Children state changes (exit, stop, continue) wake waiters here.
    ostd::WaitQueue& child_wait() { return child_wait_; }

    /// Opaque per-process state owned by other subsystems (signal handlers, fd table, fs),
    /// installed by them; see their headers.
    void* signal_state = nullptr;
    void* files_state = nullptr;
    /// Signal sent to the parent when this process dies (clone's CSIGNAL byte / clone3's
    /// exit_signal; 0: none). Set by clone before the child runs.
    std::atomic<int> exit_signal{17};

private:
    friend class ProcessTable;
    template <typename T, typename... Args>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(Args&&... args);
    Process(Pid pid, ostd::Ref<AddressSpace> as)
        : pid_(pid), start_time_ns_(ostd::time::now()), as_(std::move(as)) {}

    const Pid pid_;
    const uint64_t start_time_ns_;
    mutable ostd::Mutex lock_;
    ostd::Ref<AddressSpace> as_;
    Credentials creds_ ORRERY_GUARDED_BY(lock_);
    Rlimits rlimits_ ORRERY_GUARDED_BY(lock_);
    char name_[16] ORRERY_GUARDED_BY(lock_) = {};
    std::atomic<uint32_t> umask_{022};
    ostd::WaitQueue child_wait_;

    // Tree state, guarded by ProcessTable's tree lock.
    Process* parent_ = nullptr;  // Raw: a parent outlives its link (children are reparented).
    ostd::Vector<ostd::Ref<Process>> children_;
    ostd::Vector<ostd::Ref<Thread>> threads_;
    Pid pgid_ = 0;
    Pid sid_ = 0;
    State state_ = State::kAlive;
    int exit_status_ = 0;
    bool group_exiting_ = false;
    bool did_exec_ = false;
    bool stop_pending_ = false;      // Stopped, not yet reported to wait(WUNTRACED).
    bool continue_pending_ = false;  // Continued, not yet reported to wait(WCONTINUED).
    int stop_sig_ = 0;
    // Accumulated CPU time of exited threads and of reaped children (tree lock).
    uint64_t dead_utime_ = 0, dead_stime_ = 0, child_utime_ = 0, child_stime_ = 0;
};

}  // namespace kernel
