// Delivery on the way back to user mode: syscall restart rules, default actions (terminate,
// core, stop, continue, ignore), group stop, handler invocation, and synchronous faults.
#include <kernel/signal/deliver.h>

#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>
#include <kernel/signal/send.h>

namespace kernel::signal {
namespace {

using NodeList = ostd::IntrusiveList<PendingNode, &PendingNode::link>;

constexpr int64_t kSysRtSigreturn = 15;

bool is_restart(int64_t ret) {
    return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
           ret == -ERESTART_RESTARTBLOCK;
}

void restart_syscall(Thread& t, ostd::UserContext& ctx) {
    ctx.regs().rax = static_cast<uint64_t>(t.orig_syscall_nr);
    ctx.regs().rip -= 2;
}

enum class Outcome : uint8_t { kNone, kHandler, kFatal, kStop };

int lowest(abi::SigSet s) {
    return __builtin_ctzll(s) + 1;
}

// Takes the next deliverable signal, dropping ignored ones. g_lock held.
Outcome dequeue_locked(Thread& t, ThreadSignals& ts, ProcessSignals& ps, Delivery* d,
                       NodeList* freed) ORRERY_REQUIRES(g_lock) {
    for (;;) {
        abi::SigSet own = ts.pending.set & ~ts.blocked;
        abi::SigSet shared = ps.shared.set & ~ts.blocked;
        if (!own && !shared) return Outcome::kNone;
        // Synchronous faults first (man 7 signal), then the lowest number; own before shared.
        abi::SigSet from = own ? own : shared;
        Pending& pend = own ? ts.pending : ps.shared;
        int sig = lowest((from & kSynchronous) ? (from & kSynchronous) : from);
        if (PendingNode* n = pend.take(sig, &d->info)) freed->push_back(*n);
        abi::KernelSigaction& a = ps.handlers->of(sig);
        d->sig = sig;
        if (a.handler == abi::sig::kIgn) continue;
        if (a.handler == abi::sig::kDfl) {
            switch (default_action(sig)) {
                case DefaultAction::kIgnore:
                case DefaultAction::kContinue:
                    continue;
                case DefaultAction::kStop:
                    return Outcome::kStop;
                case DefaultAction::kTerminate:
                case DefaultAction::kCore:
                    return Outcome::kFatal;
            }
        }
        (void)t;
        d->action = a;
        if (a.flags & abi::sa::kResethand) {
            a.handler = abi::sig::kDfl;
            a.flags &= ~abi::sa::kSiginfo;
        }
        d->old_mask = ts.restore_mask ? ts.saved_mask : ts.blocked;
        ts.restore_mask = false;
        ts.blocked |= a.mask | ((a.flags & abi::sa::kNodefer) ? 0 : bit(sig));
        ts.blocked &= ~kUnblockable;
        d->altstack = ts.altstack;
        if ((a.flags & abi::sa::kOnstack) &&
            (ts.altstack.ss_flags & static_cast<int32_t>(abi::ss::kAutodisarm)))
            ts.altstack = abi::StackT{0, abi::ss::kDisable, 0, 0};
        if (ts.fault_sig == sig) {
            d->trapno = 14;  // Page fault is the only fault that records details today.
            d->err = ts.fault_err;
            d->cr2 = ts.fault_addr;
            ts.fault_sig = 0;
        }
        return Outcome::kHandler;
    }
}

void wait_while_stopped(Thread& t, ProcessSignals& ps) {
    (void)ps.continued.wait_until([&] { return !ps.stopped.load() || t.exit_requested(); });
}

void begin_group_stop(Thread& t, ProcessSignals& ps, int sig) {
    Process& p = t.process();
    if (ps.stopped.exchange(true)) return;
    ProcessTable::report_stopped(p, sig);
    notify_parent(p, abi::si::kCldStopped, sig);
    // Other threads stop when they next pass through before_user.
    if (auto threads = p.threads(); threads.is_ok())
        for (auto& other : threads.value())
            if (other.ptr() != &t) kick(*other);
}

// The common case in one lock round trip: state exists and nothing at all is going on.
// Returns kQuiet then; kBusy sends the caller down the full path.
enum class Quick : uint8_t { kQuiet, kBusy };
Quick quick_check(Thread& t, bool settle) {
    ostd::SpinLockGuard g(g_lock);
    ThreadSignals* ts = thread_state_locked(t);
    ProcessSignals* ps = process_state_locked(t.process());
    if (!ts || !ps || ps->stopped.load() || ps->real.fired.load() || ps->cpu_armed.load() ||
        ts->restore_mask || deliverable_locked(t) != 0)
        return Quick::kBusy;
    if (settle && !t.exit_requested()) {
        if (ostd::Task* task = t.task()) {
            task->clear_interrupt();
            // Kicks made without g_lock (alarm callback, group stop) set their flag first:
            // if one raced with the clear above, its flag is visible now.
            if (ps->real.fired.load() || ps->stopped.load()) task->interrupt();
        }
    }
    return Quick::kQuiet;
}

}  // namespace

bool has_pending(Thread& t) {
    if (quick_check(t, false) == Quick::kQuiet) return false;
    flush_deferred(t);
    ThreadSignals* ts = thread_state(t);
    ProcessSignals* ps = process_state(t.process());
    if (!ts || !ps) return false;
    if (ps->stopped.load()) return true;
    ostd::SpinLockGuard g(g_lock);
    return deliverable_locked(t) != 0;
}

void before_user(Thread& t, ostd::UserContext& ctx, const int64_t* syscall_ret) {
    // rt_sigreturn's "result" is the restored rax, never a restart request.
    if (syscall_ret && t.orig_syscall_nr == kSysRtSigreturn) syscall_ret = nullptr;
    if (syscall_ret && !is_restart(*syscall_ret)) syscall_ret = nullptr;
    if (!syscall_ret && quick_check(t, true) == Quick::kQuiet) return;
    flush_deferred(t);
    ThreadSignals* ts = thread_state(t);
    ProcessSignals* ps = process_state(t.process());
    if (!ts || !ps) {
        if (syscall_ret) restart_syscall(t, ctx);
        return;
    }
    for (int round = 0; round < 2 * abi::sig::kNsig && !t.exit_requested(); ++round) {
        if (ps->stopped.load()) {
            wait_while_stopped(t, *ps);
            continue;
        }
        Delivery d;
        NodeList freed;
        Outcome out;
        {
            ostd::SpinLockGuard g(g_lock);
            out = dequeue_locked(t, *ts, *ps, &d, &freed);
        }
        free_nodes(freed);
        if (out == Outcome::kNone) break;
        if (out == Outcome::kFatal) {
            // Linux sets the core bit only when a dump was written; with RLIMIT_CORE 0 (init's
            // default) none is. Orrery writes no core file but reports as Linux would.
            bool core = default_action(d.sig) == DefaultAction::kCore &&
                        t.process().rlimit(Resource::kCore).cur != 0;
            exit_process(t.process(), wait_status_signaled(d.sig, core));
            return;
        }
        if (out == Outcome::kStop) {
            begin_group_stop(t, *ps, d.sig);
            continue;
        }
        if (syscall_ret) {
            // man 7 signal, "Interruption of system calls and library functions by handlers".
            int64_t r = *syscall_ret;
            if (r == -ERESTARTNOINTR || (r == -ERESTARTSYS && (d.action.flags & abi::sa::kRestart)))
                restart_syscall(t, ctx);
            else
                ctx.regs().rax = static_cast<uint64_t>(-int64_t{EINTR});
            syscall_ret = nullptr;
        }
        if (setup_frame(t, ctx, d).is_error()) {
            // Linux force_sigsegv: the frame could not be written, the process dies.
            exit_process(t.process(), wait_status_signaled(abi::sig::kSegv, true));
            return;
        }
    }
    if (syscall_ret) restart_syscall(t, ctx);  // No handler ran: every ERESTART* restarts.
    {
        ostd::SpinLockGuard g(g_lock);
        if (ts->restore_mask) {
            ts->blocked = ts->saved_mask;
            ts->restore_mask = false;
        }
    }
    settle_interrupt(t);
}

void force_signal(Thread& t, int sig, int si_code, uint64_t addr) {
    ThreadSignals* ts = thread_state(t);
    ProcessSignals* ps = process_state(t.process());
    auto node = ostd::try_make_box<PendingNode>();
    if (!ts || !ps || node.is_error()) {
        exit_process(t.process(), wait_status_signaled(sig, true));
        return;
    }
    uint64_t err = 0;
    if (t.has_user_mode()) err = t.user_mode().context().exception().error_code;
    PendingNode* n = node.value().leak();
    n->info.si_signo = sig;
    n->info.si_code = si_code;
    n->info.fields.fault.addr = addr;
    {
        ostd::SpinLockGuard g(g_lock);
        abi::KernelSigaction& a = ps->handlers->of(sig);
        // A fault the program cannot see (blocked or ignored) must not loop: it kills.
        if ((ts->blocked & bit(sig)) || a.handler == abi::sig::kIgn) a.handler = abi::sig::kDfl;
        ts->blocked &= ~bit(sig);
        if (!(ts->pending.set & bit(sig))) {
            ts->pending.set |= bit(sig);
            ts->pending.queue.push_back(*n);
            n = nullptr;
        }
        ts->fault_sig = sig;
        ts->fault_err = err;
        ts->fault_addr = addr;
    }
    if (n) ostd::detail::box_delete(n);  // Already pending: the first siginfo stands.
}

ostd::Result<void> wait_for_signal(Thread& t, uint64_t timeout_ns) {
    uint64_t deadline =
        timeout_ns == ostd::kNoTimeout ? ostd::kNoTimeout : ostd::time::now() + timeout_ns;
    ProcessSignals* ps = process_state(t.process());
    auto ready = [&] {
        if (t.exit_requested()) return true;
        // A group stop is taken on the way back to user mode (before_user), after which the
        // caller's call restarts or fails with EINTR as on Linux. Waiting on here instead spun:
        // settle_interrupt() re-interrupts a stopped thread, which woke this loop at once.
        if (ps && ps->stopped.load()) return true;
        ostd::SpinLockGuard g(g_lock);
        return deliverable_locked(t) != 0;
    };
    for (;;) {
        flush_deferred(t);
        if (ready()) return ostd::ok();
        uint64_t left = ostd::kNoTimeout;
        if (deadline != ostd::kNoTimeout) {
            uint64_t now = ostd::time::now();
            if (now >= deadline) return ostd::Error(ETIMEDOUT);
            left = deadline - now;
        }
        ostd::WaitQueue wq;  // Nobody wakes it: senders interrupt the task.
        auto r = wq.wait_until(ready, {ostd::Interruptible::kYes, left});
        if (r.is_ok()) return ostd::ok();
        if (r.error().code() == ETIMEDOUT) return r.error();
        flush_deferred(t);
        if (ready()) return ostd::ok();
        settle_interrupt(t);  // A stale interrupt (nothing for us): sleep again.
    }
}

}  // namespace kernel::signal
