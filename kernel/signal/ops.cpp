// Signal operations: sigaction, masks, pending, sigaltstack and the signal waits.
#include <kernel/signal/ops.h>

#include <kernel/signal/deliver.h>

namespace kernel::signal {
namespace {

using NodeList = ostd::IntrusiveList<PendingNode, &PendingNode::link>;

bool on_stack(const abi::StackT& ss, uint64_t sp) {
    return ss.ss_size != 0 && sp > ss.ss_sp && sp - ss.ss_sp <= ss.ss_size;
}

uint64_t user_sp(Thread& t) {
    return t.has_user_mode() ? t.user_mode().context().regs().rsp : 0;
}

}  // namespace

bool is_ignored_or_blocked(Thread& t, int sig) {
    if (!is_valid(sig)) return false;
    ProcessSignals* ps = process_state(t.process());
    ThreadSignals* ts = thread_state(t);
    if (!ps || !ts) return false;
    ostd::SpinLockGuard g(g_lock);
    return (ts->blocked & bit(sig)) || ps->handlers->of(sig).handler == abi::sig::kIgn;
}

ostd::Result<abi::KernelSigaction> set_action(Thread& t, int sig, const abi::KernelSigaction* act) {
    if (!is_valid(sig)) return ostd::Error(EINVAL);
    if (act && (bit(sig) & kUnblockable)) return ostd::Error(EINVAL);
    ProcessSignals* ps = process_state(t.process());
    if (!ps) return ostd::Error(ENOMEM);
    auto threads = TRY(t.process().threads());
    NodeList freed;
    abi::KernelSigaction old;
    {
        ostd::SpinLockGuard g(g_lock);
        abi::KernelSigaction& a = ps->handlers->of(sig);
        old = a;
        if (act) {
            a = *act;
            a.mask &= ~kUnblockable;
            // POSIX: setting a pending signal to be ignored discards it.
            bool ignored =
                a.handler == abi::sig::kIgn ||
                (a.handler == abi::sig::kDfl && (default_action(sig) == DefaultAction::kIgnore ||
                                                 default_action(sig) == DefaultAction::kContinue));
            if (ignored) {
                ps->shared.discard(bit(sig), &freed);
                for (auto& th : threads)
                    if (ThreadSignals* s = thread_state_locked(*th))
                        s->pending.discard(bit(sig), &freed);
            }
        }
    }
    free_nodes(freed);
    return old;
}

ostd::Result<abi::SigSet> change_mask(Thread& t, int how, const abi::SigSet* set) {
    ThreadSignals* ts = thread_state(t);
    if (!ts) return ostd::Error(ENOMEM);
    ostd::SpinLockGuard g(g_lock);
    abi::SigSet old = ts->blocked;
    if (!set) return old;
    switch (how) {
        case abi::sig::kBlock:
            ts->blocked |= *set;
            break;
        case abi::sig::kUnblock:
            ts->blocked &= ~*set;
            break;
        case abi::sig::kSetmask:
            ts->blocked = *set;
            break;
        default:
            return ostd::Error(EINVAL);
    }
    ts->blocked &= ~kUnblockable;
    return old;
}

abi::SigSet pending_blocked(Thread& t) {
    ThreadSignals* ts = thread_state(t);
    ProcessSignals* ps = process_state(t.process());
    ostd::SpinLockGuard g(g_lock);
    abi::SigSet pend = (ts ? ts->pending.set : 0) | (ps ? ps->shared.set : 0);
    return pend & (ts ? ts->blocked : 0);
}

ostd::Result<abi::StackT> alt_stack(Thread& t, const abi::StackT* ss) {
    ThreadSignals* ts = thread_state(t);
    if (!ts) return ostd::Error(ENOMEM);
    uint64_t sp = user_sp(t);
    ostd::SpinLockGuard g(g_lock);
    abi::StackT cur = ts->altstack;
    abi::StackT old{cur.ss_sp, 0, 0, cur.ss_size};
    if (cur.ss_size == 0)
        old.ss_flags = abi::ss::kDisable;
    else
        old.ss_flags = (on_stack(cur, sp) ? abi::ss::kOnstack : 0) |
                       (cur.ss_flags & static_cast<int32_t>(abi::ss::kAutodisarm));
    if (!ss) return old;
    if (on_stack(cur, sp)) return ostd::Error(EPERM);
    int32_t mode = ss->ss_flags & ~static_cast<int32_t>(abi::ss::kAutodisarm);
    if (mode != 0 && mode != abi::ss::kDisable && mode != abi::ss::kOnstack)
        return ostd::Error(EINVAL);
    if (mode == abi::ss::kDisable) {
        ts->altstack = abi::StackT{0, abi::ss::kDisable, 0, 0};
    } else {
        if (ss->ss_size < abi::ss::kMinsigstksz) return ostd::Error(ENOMEM);
        ts->altstack = abi::StackT{
            ss->ss_sp, ss->ss_flags & static_cast<int32_t>(abi::ss::kAutodisarm), 0, ss->ss_size};
    }
    return old;
}

ostd::Result<int64_t> pause(Thread& t) {
    (void)wait_for_signal(t, ostd::kNoTimeout);
    return ostd::Error(ERESTARTNOHAND);
}

ostd::Result<int64_t> suspend(Thread& t, abi::SigSet mask) {
    ThreadSignals* ts = thread_state(t);
    if (!ts) return ostd::Error(ENOMEM);
    {
        ostd::SpinLockGuard g(g_lock);
        ts->saved_mask = ts->blocked;
        ts->restore_mask = true;
        ts->blocked = mask & ~kUnblockable;
    }
    (void)wait_for_signal(t, ostd::kNoTimeout);
    return ostd::Error(ERESTARTNOHAND);
}

ostd::Result<void> begin_wait_mask(Thread& t, abi::SigSet mask) {
    ThreadSignals* ts = thread_state(t);
    if (!ts) return ostd::Error(ENOMEM);
    flush_deferred(t);
    bool deliverable;
    {
        ostd::SpinLockGuard g(g_lock);
        ts->saved_mask = ts->blocked;
        ts->blocked = mask & ~kUnblockable;
        deliverable = deliverable_locked(t) != 0;
    }
    if (deliverable) kick(t);  // The interruptible wait returns EINTR at once.
    return ostd::ok();
}

void end_wait_mask(Thread& t, bool interrupted) {
    ThreadSignals* ts = thread_state(t);
    if (!ts) return;
    ostd::SpinLockGuard g(g_lock);
    if (interrupted)
        ts->restore_mask = true;  // before_user restores it after delivery.
    else
        ts->blocked = ts->saved_mask;
}

ostd::Result<int> timed_wait(Thread& t, abi::SigSet set, uint64_t timeout_ns, abi::SigInfo* info) {
    ThreadSignals* ts = thread_state(t);
    ProcessSignals* ps = process_state(t.process());
    if (!ts || !ps) return ostd::Error(ENOMEM);
    set &= ~kUnblockable;
    auto take = [&]() -> int {
        PendingNode* node = nullptr;
        int sig = 0;
        {
            ostd::SpinLockGuard g(g_lock);
            abi::SigSet own = ts->pending.set & set, shared = ps->shared.set & set;
            if (own || shared) {
                Pending& pend = own ? ts->pending : ps->shared;
                sig = __builtin_ctzll(own ? own : shared) + 1;
                node = pend.take(sig, info);
            }
        }
        if (node) ostd::detail::box_delete(node);
        return sig;
    };
    flush_deferred(t);
    if (int sig = take()) return sig;
    if (timeout_ns == 0) return ostd::Error(EAGAIN);
    abi::SigSet saved;
    {
        // Wait with the awaited signals unblocked so senders pick (and wake) this thread.
        ostd::SpinLockGuard g(g_lock);
        saved = ts->blocked;
        ts->blocked &= ~set;
    }
    auto r = wait_for_signal(t, timeout_ns);
    {
        ostd::SpinLockGuard g(g_lock);
        ts->blocked = saved;
    }
    if (int sig = take()) {
        settle_interrupt(t);
        return sig;
    }
    if (r.is_error() && r.error().code() == ETIMEDOUT) return ostd::Error(EAGAIN);
    return ostd::Error(EINTR);
}

}  // namespace kernel::signal
