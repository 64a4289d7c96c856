// The process table: pids, the tree, exit and wait, process groups and sessions.
#include <kernel/process/process_table.h>

#include <ostd/common/log.h>
#include <ostd/common/panic.h>

namespace kernel {
namespace {

struct Slot {
    ostd::RefPtr<Process> process;  // Set while pid names a process (alive or zombie).
    ostd::RefPtr<Thread> thread;    // Set while pid names a live thread.
    bool used = false;              // The number is taken (until the zombie is reaped).
};

constexpr size_t kMaxHooks = 8;
constexpr int kCldExited = 1, kCldKilled = 2, kCldDumped = 3, kCldStopped = 5, kCldContinued = 6;

struct TableState {
    ostd::Mutex tree_lock;
    ostd::Vector<Slot> slots;  // Indexed by pid.
    Pid last_pid = 0;
    size_t live = 0;
    ostd::RefPtr<Process> init;
    const ProcessHooks* hooks[kMaxHooks] = {};
    size_t nhooks = 0;
};

TableState* g_state = nullptr;  // Owned; created by init(), destroyed by shutdown().

TableState& st() {
    ORRERY_ASSERT(g_state != nullptr, "process table used before ProcessTable::init()");
    return *g_state;
}

// Allocates the next free pid after the last one, wrapping like Linux. Tree lock held.
ostd::Result<Pid> alloc_pid_locked() {
    TableState& s = st();
    for (Pid n = 0; n < kPidMax; ++n) {
        Pid pid = (s.last_pid + n) % (kPidMax - 1) + 1;  // 1 .. kPidMax-1
        while (s.slots.size() <= static_cast<size_t>(pid)) TRY(s.slots.push_back(Slot{}));
        if (!s.slots[pid].used) {
            s.slots[pid].used = true;
            s.last_pid = pid;
            return pid;
        }
    }
    return ostd::Error(EAGAIN, "out of pids");
}

void free_pid_locked(Pid pid) {
    Slot& slot = st().slots[pid];
    slot = Slot{};
}

template <typename F>
void for_hooks(F&& fn) {
    TableState& s = st();
    for (size_t i = 0; i < s.nhooks; ++i) fn(*s.hooks[i]);
}

}  // namespace

// --- Process accessors that read tree state ---------------------------------------------------

Pid Process::ppid() const {
    ostd::MutexGuard g(st().tree_lock);
    return parent_ ? parent_->pid_ : 0;
}
Pid Process::pgid() const {
    ostd::MutexGuard g(st().tree_lock);
    return pgid_;
}
Pid Process::sid() const {
    ostd::MutexGuard g(st().tree_lock);
    return sid_;
}
Process::State Process::state() const {
    ostd::MutexGuard g(st().tree_lock);
    return state_;
}
int Process::exit_status() const {
    ostd::MutexGuard g(st().tree_lock);
    return exit_status_;
}
Process::CpuTimes Process::cpu_times() const {
    ostd::MutexGuard g(st().tree_lock);
    CpuTimes t{dead_utime_, dead_stime_, child_utime_, child_stime_};
    for (const auto& th : threads_) {
        t.utime += th->utime_ns.load(std::memory_order_relaxed);
        t.stime += th->stime_ns.load(std::memory_order_relaxed);
    }
    return t;
}

size_t Process::thread_count() const {
    ostd::MutexGuard g(st().tree_lock);
    return threads_.size();
}
ostd::Result<ostd::Vector<ostd::Ref<Thread>>> Process::threads() const {
    ostd::MutexGuard g(st().tree_lock);
    ostd::Vector<ostd::Ref<Thread>> out;
    TRY(out.reserve(threads_.size()));
    for (const auto& t : threads_) TRY(out.push_back(t));
    return out;
}

// --- Table lifecycle ----------------------------------------------------------------------------

void ProcessTable::init() {
    // A previous machine's table (if it was not shut down) lived in that machine's RAM, which
    // is gone: start afresh.
    auto s = MUST(ostd::try_make_box<TableState>());
    g_state = s.leak();
}

void ProcessTable::shutdown() {
    if (!g_state) return;
    TableState* s = g_state;
    {
        // Break Process<->Thread and parent<->child cycles so everything is freed.
        ostd::MutexGuard g(s->tree_lock);
        for (Slot& slot : s->slots) {
            if (slot.process) {
                slot.process->threads_.clear();
                slot.process->children_.clear();
                slot.process->parent_ = nullptr;
            }
        }
        s->slots.clear();
        s->init = nullptr;
    }
    g_state = nullptr;
    s->~TableState();
    ostd::heap::free(s);
}

void ProcessTable::add_hooks(const ProcessHooks* hooks) {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    ORRERY_ASSERT(s.nhooks < kMaxHooks, "too many process hooks");
    s.hooks[s.nhooks++] = hooks;
}

// --- Creation -----------------------------------------------------------------------------------

ostd::Result<ostd::Ref<Thread>> ProcessTable::create_init() {
    TableState& s = st();
    auto as = TRY(AddressSpace::create());
    ostd::MutexGuard g(s.tree_lock);
    Pid pid = TRY(alloc_pid_locked());
    ORRERY_ASSERT(pid == 1, "init must be pid 1 (got %d)", pid);
    auto proc = TRY(ostd::try_make_ref<Process>(pid, std::move(as)));
    auto thread = TRY(ostd::try_make_ref<Thread>(pid, proc));
    TRY(proc->threads_.push_back(thread));
    proc->pgid_ = proc->sid_ = pid;
    proc->set_name("init", 4);
    s.slots[pid].process = proc;
    s.slots[pid].thread = thread;
    s.init = proc;
    ++s.live;
    return thread;
}

ostd::Result<ostd::Ref<Thread>> ProcessTable::fork_process(Thread& parent_thread,
                                                            uint64_t clone_flags) {
    constexpr uint64_t kCloneVm = 0x100, kCloneParent = 0x8000;
    TableState& s = st();
    Process& caller = parent_thread.process();
    Credentials creds = caller.creds();
    Rlimit nproc = caller.rlimit(Resource::kNproc);
    ostd::Ref<AddressSpace> as = (clone_flags & kCloneVm)
                                     ? caller.address_space_ref()
                                     : TRY(caller.address_space().fork());
    ostd::RefPtr<Process> child_p;
    ostd::RefPtr<Thread> child_t;
    // CLONE_PARENT: the child becomes the caller's sibling (the caller is not init: checked by
    // the clone syscall). Everything else is inherited from the caller.
    Process* tree_parent = &caller;
    {
        ostd::MutexGuard g(s.tree_lock);
        if ((clone_flags & kCloneParent) && caller.parent_) tree_parent = caller.parent_;
        Process& parent = *tree_parent;
        if (!creds.is_privileged() && nproc.cur != kRlimInfinity) {
            size_t n = 0;
            for (const Slot& slot : s.slots)
                if (slot.process && slot.process->state_ == Process::State::kAlive &&
                    slot.process->creds().uids().real == creds.uids().real)
                    ++n;
            if (n >= nproc.cur) return ostd::Error(EAGAIN, "RLIMIT_NPROC");
        }
        Pid pid = TRY(alloc_pid_locked());
        auto proc = ostd::try_make_ref<Process>(pid, as);
        if (proc.is_error()) {
            free_pid_locked(pid);
            return proc.error();
        }
        auto thread = ostd::try_make_ref<Thread>(pid, proc.value());
        if (thread.is_error() || proc.value()->threads_.push_back(thread.value()).is_error() ||
            parent.children_.push_back(proc.value()).is_error()) {
            free_pid_locked(pid);
            return ostd::Error(ENOMEM);
        }
        Process& c = *proc.value();
        c.parent_ = &parent;
        c.pgid_ = caller.pgid_;
        c.sid_ = caller.sid_;
        s.slots[pid].process = proc.value();
        s.slots[pid].thread = thread.value();
        ++s.live;
        child_p = proc.value();
        child_t = thread.value();
    }
    Process& child = *child_p;
    {
        ostd::MutexGuard pg(caller.lock_);
        ostd::MutexGuard cg(child.lock_);
        child.creds_ = caller.creds_;
        child.rlimits_ = caller.rlimits_;
        for (size_t i = 0; i < sizeof child.name_; ++i) child.name_[i] = caller.name_[i];
    }
    child.umask_.store(caller.umask());
    ostd::Result<void> hooked = ostd::ok();
    for_hooks([&](const ProcessHooks& h) {
        if (hooked.is_ok() && h.on_fork) hooked = h.on_fork(caller, child, clone_flags);
    });
    if (hooked.is_error()) {
        // Undo: the child never ran. Detach it completely.
        ostd::MutexGuard g(s.tree_lock);
        for (size_t i = 0; i < tree_parent->children_.size(); ++i)
            if (tree_parent->children_[i].ptr() == &child) tree_parent->children_.erase(i);
        child.threads_.clear();
        free_pid_locked(child.pid_);
        --s.live;
        return hooked.error();
    }
    return child_t.to_ref();
}

ostd::Result<ostd::Ref<Thread>> ProcessTable::create_thread(Thread& parent_thread) {
    TableState& s = st();
    Process& proc = parent_thread.process();
    ostd::MutexGuard g(s.tree_lock);
    if (proc.group_exiting_) return ostd::Error(EAGAIN, "process is exiting");
    Pid tid = TRY(alloc_pid_locked());
    auto thread = ostd::try_make_ref<Thread>(tid, parent_thread.process_ref());
    if (thread.is_error() || proc.threads_.push_back(thread.value()).is_error()) {
        free_pid_locked(tid);
        return ostd::Error(ENOMEM);
    }
    s.slots[tid].thread = thread.value();
    return thread.release_value();
}

ostd::RefPtr<Process> ProcessTable::find_process(Pid pid) {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    if (pid <= 0 || static_cast<size_t>(pid) >= s.slots.size()) return nullptr;
    const auto& p = s.slots[pid].process;
    if (!p || p->state_ == Process::State::kReaped) return nullptr;
    return p;
}

ostd::RefPtr<Thread> ProcessTable::find_thread(Pid tid) {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    if (tid <= 0 || static_cast<size_t>(tid) >= s.slots.size()) return nullptr;
    return s.slots[tid].thread;
}

ostd::Result<ostd::Vector<ostd::Ref<Process>>> ProcessTable::all_processes() {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    ostd::Vector<ostd::Ref<Process>> out;
    for (const Slot& slot : s.slots)
        if (slot.process && slot.process->state_ == Process::State::kAlive)
            TRY(out.push_back(slot.process.to_ref()));
    return out;
}

ostd::Result<ostd::Vector<ostd::Ref<Process>>> ProcessTable::process_group(Pid pgid) {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    ostd::Vector<ostd::Ref<Process>> out;
    for (const Slot& slot : s.slots)
        if (slot.process && slot.process->state_ == Process::State::kAlive &&
            slot.process->pgid_ == pgid)
            TRY(out.push_back(slot.process.to_ref()));
    return out;
}

size_t ProcessTable::process_count() {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    return s.live;
}

// --- Exit -----------------------------------------------------------------------------------------

void ProcessTable::exit_group(Process& process, int status) {
    TableState& s = st();
    // Nothing here may allocate: exit_group cannot fail. (A copy of the thread list taken to
    // stop them outside the lock silently missed threads, the caller included, when the kernel
    // heap was exhausted, and exit_group returned to user mode: a fuzzer-found bug.) Marking a
    // thread and interrupting its task take no sleeping lock, so they happen under tree_lock.
    ostd::MutexGuard g(s.tree_lock);
    if (!process.group_exiting_) {
        process.group_exiting_ = true;
        process.exit_status_ = status;
    }
    for (const auto& t : process.threads_) {
        t->request_exit();
        if (t->task()) t->task()->interrupt();
    }
}

void ProcessTable::exit_thread(Thread& thread, int status) {
    TableState& s = st();
    for_hooks([&](const ProcessHooks& h) {
        if (h.on_thread_exit) h.on_thread_exit(thread);
    });
    Process& proc = thread.process();
    ostd::Ref<Thread> keep(thread);  // The table's references go below.
    bool last = false;
    {
        ostd::MutexGuard g(s.tree_lock);
        for (size_t i = 0; i < proc.threads_.size(); ++i) {
            if (proc.threads_[i].ptr() == &thread) {
                proc.threads_.erase(i);
                break;
            }
        }
        proc.dead_utime_ += thread.utime_ns.load(std::memory_order_relaxed);
        proc.dead_stime_ += thread.stime_ns.load(std::memory_order_relaxed);
        s.slots[thread.tid()].thread = nullptr;
        if (thread.tid() != proc.pid_) free_pid_locked(thread.tid());
        last = proc.threads_.is_empty();
        if (last && !proc.group_exiting_) proc.exit_status_ = status;
        if (last) proc.group_exiting_ = true;
    }
    if (!last) return;

    for_hooks([&](const ProcessHooks& h) {
        if (h.on_process_exit) h.on_process_exit(proc);
    });
    // Free the memory now; the zombie keeps only its identity and status. Not when another
    // process shares the address space (CLONE_VM, vfork): it is still running there.
    if (proc.as_->ref_count() == 1)
        (void)proc.address_space().unmap(ostd::kUserStart.value(),
                                         ostd::kUserEnd.value() - ostd::kUserStart.value());
    // Pinned: once the tree lock is dropped the parent may exit and be reaped concurrently.
    ostd::RefPtr<Process> parent;
    bool init_gets_zombies = false;
    {
        ostd::MutexGuard g(s.tree_lock);
        proc.state_ = Process::State::kZombie;
        --s.live;
        // Orphans go to init (if init itself is exiting, they are simply detached).
        Process* init = s.init.ptr();
        for (auto& child : proc.children_) {
            child->parent_ = (init && init != &proc) ? init : nullptr;
            if (init && init != &proc) {
                (void)init->children_.push_back(child);
                if (child->state_ == Process::State::kZombie) init_gets_zombies = true;
            }
        }
        proc.children_.clear();
        if (proc.parent_) parent = ostd::Ref<Process>(*proc.parent_);
    }
    if (init_gets_zombies && s.init) s.init->child_wait_.wake_all();
    if (parent) {
        for_hooks([&](const ProcessHooks& h) {
            if (h.on_child_state) h.on_child_state(*parent, proc);
        });
        parent->child_wait_.wake_all();
    }
    // Init has no parent to reap it: wake whoever waits for the machine's init (kernel main).
    if (&proc == s.init.ptr()) proc.child_wait_.wake_all();
}

void ProcessTable::report_stopped(Process& p, int sig) {
    TableState& s = st();
    ostd::RefPtr<Process> parent;  // Pinned, as in exit_thread().
    {
        ostd::MutexGuard g(s.tree_lock);
        p.stop_pending_ = true;
        p.continue_pending_ = false;
        p.stop_sig_ = sig;
        if (p.parent_) parent = ostd::Ref<Process>(*p.parent_);
    }
    if (parent) parent->child_wait_.wake_all();
}

void ProcessTable::report_continued(Process& p) {
    TableState& s = st();
    ostd::RefPtr<Process> parent;  // Pinned, as in exit_thread().
    {
        ostd::MutexGuard g(s.tree_lock);
        p.continue_pending_ = true;
        p.stop_pending_ = false;
        if (p.parent_) parent = ostd::Ref<Process>(*p.parent_);
    }
    if (parent) parent->child_wait_.wake_all();
}

// --- Wait ---------------------------------------------------------------------------------------

ostd::Result<WaitResult> ProcessTable::wait(Process& parent, const WaitRequest& req) {
    TableState& s = st();
    WaitResult result;
    bool found_ready = false;
    ostd::Error failure(0);
    auto try_reap = [&]() -> bool {  // True when done (result, error or WNOHANG).
        ostd::MutexGuard g(s.tree_lock);
        bool any = false;
        for (size_t i = 0; i < parent.children_.size(); ++i) {
            Process& c = *parent.children_[i];
            bool match = req.which == WaitRequest::Which::kAny ||
                         (req.which == WaitRequest::Which::kPid && c.pid_ == req.id) ||
                         (req.which == WaitRequest::Which::kPgid && c.pgid_ == req.id);
            if (!match) continue;
            any = true;
            result.pid = c.pid_;
            result.uid = c.creds().uids().real;
            if (req.want_exited && c.state_ == Process::State::kZombie) {
                int st_word = c.exit_status_;
                result.status = st_word;
                if ((st_word & 0x7f) == 0) {
                    result.code = kCldExited;
                    result.value = (st_word >> 8) & 0xff;
                } else {
                    result.code = (st_word & 0x80) ? kCldDumped : kCldKilled;
                    result.value = st_word & 0x7f;
                }
                if (!req.nowait) {
                    parent.child_utime_ += c.dead_utime_ + c.child_utime_;
                    parent.child_stime_ += c.dead_stime_ + c.child_stime_;
                    c.state_ = Process::State::kReaped;
                    free_pid_locked(c.pid_);
                    parent.children_.erase(i);
                }
                found_ready = true;
                return true;
            }
            if (req.want_stopped && c.stop_pending_) {
                result.status = (c.stop_sig_ << 8) | 0x7f;
                result.code = kCldStopped;
                result.value = c.stop_sig_;
                if (!req.nowait) c.stop_pending_ = false;
                found_ready = true;
                return true;
            }
            if (req.want_continued && c.continue_pending_) {
                result.status = 0xffff;
                result.code = kCldContinued;
                result.value = 18;  // SIGCONT
                if (!req.nowait) c.continue_pending_ = false;
                found_ready = true;
                return true;
            }
        }
        if (!any) {
            failure = ostd::Error(ECHILD);
            return true;
        }
        if (req.nohang) {
            result = WaitResult{};
            return true;
        }
        return false;
    };
    auto r = parent.child_wait_.wait_until(try_reap,
                                           {ostd::Interruptible::kYes, ostd::kNoTimeout});
    if (failure.code() != 0) return failure;
    if (r.is_error()) {
        if (found_ready) return result;
        return ostd::Error(r.error().code() == EINTR ? ERESTARTSYS : r.error().code());
    }
    return result;
}

// --- Process groups and sessions ---------------------------------------------------------------

void ProcessTable::note_exec(Process& p) {
    ostd::MutexGuard g(st().tree_lock);
    p.did_exec_ = true;
}

ostd::Result<void> ProcessTable::setpgid(Process& caller, Pid pid, Pid pgid) {
    TableState& s = st();
    // Linux resolves the defaults first: pid 0 is the caller, pgid 0 is pid.
    if (pid == 0) pid = caller.pid_;
    if (pgid == 0) pgid = pid;
    if (pgid < 0) return ostd::Error(EINVAL);
    ostd::MutexGuard g(s.tree_lock);
    Process* target = nullptr;
    if (pid == caller.pid_) {
        target = &caller;
    } else {
        for (auto& c : caller.children_)
            if (c->pid_ == pid && c->state_ != Process::State::kReaped) target = c.ptr();
        if (!target) return ostd::Error(ESRCH);
        if (target->sid_ != caller.sid_) return ostd::Error(EPERM);
        if (target->did_exec_) return ostd::Error(EACCES);
    }
    if (target->sid_ == target->pid_) return ostd::Error(EPERM);  // Session leader.
    if (pgid != target->pid_) {
        bool group_in_session = false;
        for (const Slot& slot : s.slots)
            if (slot.process && slot.process->state_ == Process::State::kAlive &&
                slot.process->pgid_ == pgid && slot.process->sid_ == caller.sid_)
                group_in_session = true;
        if (!group_in_session) return ostd::Error(EPERM);
    }
    target->pgid_ = pgid;
    return ostd::ok();
}

ostd::Result<Pid> ProcessTable::getpgid(Process& caller, Pid pid) {
    if (pid < 0) return ostd::Error(ESRCH);
    if (pid == 0) return caller.pgid();
    auto p = find_process(pid);
    if (!p) return ostd::Error(ESRCH);
    return p->pgid();
}

ostd::Result<Pid> ProcessTable::setsid(Process& caller) {
    TableState& s = st();
    ostd::MutexGuard g(s.tree_lock);
    // EPERM if any process already uses our pid as its process-group id.
    for (const Slot& slot : s.slots)
        if (slot.process && slot.process->state_ != Process::State::kReaped &&
            slot.process->pgid_ == caller.pid_)
            return ostd::Error(EPERM);
    caller.pgid_ = caller.sid_ = caller.pid_;
    return caller.pid_;
}

ostd::Result<Pid> ProcessTable::getsid(Process& caller, Pid pid) {
    if (pid < 0) return ostd::Error(ESRCH);
    if (pid == 0) return caller.sid();
    auto p = find_process(pid);
    if (!p) return ostd::Error(ESRCH);
    return p->sid();
}

}  // namespace kernel
