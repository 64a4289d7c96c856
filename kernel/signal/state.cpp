// Creation, sharing and release of per-process and per-thread signal state; pending sets.
#include <kernel/signal/state.h>

#include <ostd/task/task.h>

#include <kernel/process/process_table.h>

namespace kernel::signal {

ostd::SpinLock g_lock;

namespace {

// Marks a slot whose owner is gone, so late senders do not recreate state.
char g_dead_marker;
void* const kDead = &g_dead_marker;

constexpr uint64_t kCloneSighand = 0x800;

template <typename T>
T* live(void* slot) {
    return (slot == nullptr || slot == kDead) ? nullptr : static_cast<T*>(slot);
}

}  // namespace

DefaultAction default_action(int sig) {
    using namespace abi::sig;
    switch (sig) {
        case kQuit:
        case kIll:
        case kTrap:
        case kAbrt:
        case kBus:
        case kFpe:
        case kSegv:
        case kXcpu:
        case kXfsz:
        case kSys:
            return DefaultAction::kCore;
        case kStop:
        case kTstp:
        case kTtin:
        case kTtou:
            return DefaultAction::kStop;
        case kCont:
            return DefaultAction::kContinue;
        case kChld:
        case kUrg:
        case kWinch:
            return DefaultAction::kIgnore;
        default:
            return DefaultAction::kTerminate;
    }
}

abi::SigInfo make_info(int sig, int code, Pid pid, uint32_t uid) {
    abi::SigInfo info{};
    info.si_signo = sig;
    info.si_code = code;
    info.fields.kill.pid = pid;
    info.fields.kill.uid = uid;
    return info;
}

PendingNode* Pending::take(int sig, abi::SigInfo* info) {
    PendingNode* found = nullptr;
    bool more = false;
    for (PendingNode* n = queue.front(); n; n = queue.next(*n)) {
        if (n->info.si_signo != sig) continue;
        if (!found) {
            found = n;
        } else {
            more = true;
            break;
        }
    }
    if (found) {
        queue.remove(*found);
        *info = found->info;
    } else {
        *info = make_info(sig, abi::si::kUser);
    }
    if (!more) set &= ~bit(sig);
    return found;
}

void Pending::discard(abi::SigSet mask,
                      ostd::IntrusiveList<PendingNode, &PendingNode::link>* freed) {
    set &= ~mask;
    for (PendingNode* n = queue.front(); n;) {
        PendingNode* next = queue.next(*n);
        if (mask & bit(n->info.si_signo)) {
            queue.remove(*n);
            freed->push_back(*n);
        }
        n = next;
    }
}

void free_nodes(ostd::IntrusiveList<PendingNode, &PendingNode::link>& nodes) {
    while (PendingNode* n = nodes.pop_front())
        ostd::detail::box_delete(n);
}

ProcessSignals* process_state_locked(Process& p) {
    return live<ProcessSignals>(p.signal_state);
}
ThreadSignals* thread_state_locked(Thread& t) {
    return live<ThreadSignals>(t.signal_state);
}

ProcessSignals* process_state(Process& p) {
    {
        ostd::SpinLockGuard g(g_lock);
        if (p.signal_state) return live<ProcessSignals>(p.signal_state);
    }
    auto h = ostd::try_make_ref<Handlers>();
    if (h.is_error()) return nullptr;
    auto st = ostd::try_make_box<ProcessSignals>(h.release_value());
    if (st.is_error()) return nullptr;
    ostd::SpinLockGuard g(g_lock);
    if (!p.signal_state) p.signal_state = st.value().leak();
    return live<ProcessSignals>(p.signal_state);  // A racing creator's copy frees ours.
}

ThreadSignals* thread_state(Thread& t) {
    {
        ostd::SpinLockGuard g(g_lock);
        if (t.signal_state) return live<ThreadSignals>(t.signal_state);
    }
    auto st = ostd::try_make_box<ThreadSignals>();
    if (st.is_error()) return nullptr;
    ostd::SpinLockGuard g(g_lock);
    if (!t.signal_state) t.signal_state = st.value().leak();
    return live<ThreadSignals>(t.signal_state);
}

abi::SigSet deliverable_locked(Thread& t) {
    ThreadSignals* ts = thread_state_locked(t);
    ProcessSignals* ps = process_state_locked(t.process());
    abi::SigSet pending = (ts ? ts->pending.set : 0) | (ps ? ps->shared.set : 0);
    return pending & ~(ts ? ts->blocked : 0);
}

void kick(Thread& t) {
    if (ostd::Task* task = t.task()) task->interrupt();
}

void settle_interrupt(Thread& t) {
    ostd::Task* task = t.task();
    if (!task || t.exit_requested()) return;
    {
        ostd::SpinLockGuard g(g_lock);
        if (deliverable_locked(t) != 0) return;
        task->clear_interrupt();
    }
    // The alarm timer and group stop kick without the lock, after setting their flag: a kick
    // that raced with the clear above is not lost.
    if (ProcessSignals* ps = process_state(t.process());
        ps && (ps->real.fired.load() || ps->stopped.load()))
        task->interrupt();
}

void release_thread(Thread& t) {
    timer_thread_exit(t);
    ThreadSignals* ts;
    {
        ostd::SpinLockGuard g(g_lock);
        ts = live<ThreadSignals>(t.signal_state);
        t.signal_state = kDead;
    }
    if (!ts) return;
    ostd::IntrusiveList<PendingNode, &PendingNode::link> nodes;
    {
        ostd::SpinLockGuard g(g_lock);  // Unreachable now; the lock satisfies the analysis.
        ts->pending.discard(~abi::SigSet{0}, &nodes);
    }
    free_nodes(nodes);
    ostd::detail::box_delete(ts);
}

void release_process(Process& p) {
    ProcessSignals* ps;
    {
        ostd::SpinLockGuard g(g_lock);
        ps = live<ProcessSignals>(p.signal_state);
        p.signal_state = kDead;
    }
    if (!ps) return;
    stop_real_timer(*ps);
    ps->continued.wake_all();
    ostd::IntrusiveList<PendingNode, &PendingNode::link> nodes;
    {
        ostd::SpinLockGuard g(g_lock);
        ps->shared.discard(~abi::SigSet{0}, &nodes);
    }
    free_nodes(nodes);
    ostd::detail::box_delete(ps);
}

ostd::Result<void> fork_state(Process& parent, Process& child, uint64_t clone_flags) {
    ProcessSignals* pps = process_state(parent);
    if (!pps) return ostd::Error(ENOMEM);
    ostd::RefPtr<Handlers> shared;
    if (clone_flags & kCloneSighand) {
        ostd::SpinLockGuard g(g_lock);
        shared = pps->handlers;
    } else {
        auto copy = TRY(ostd::try_make_ref<Handlers>());
        ostd::SpinLockGuard g(g_lock);
        for (int i = 0; i < abi::sig::kNsig; ++i)
            copy->action[i] = pps->handlers->action[i];
        shared = copy;
    }
    auto cps = TRY(ostd::try_make_box<ProcessSignals>(shared.to_ref()));
    auto cts = TRY(ostd::try_make_box<ThreadSignals>());
    // The forking thread is the current task's thread (start_thread sets the task's data).
    ostd::Task* cur = ostd::Task::current_or_null();
    auto* me = cur ? static_cast<Thread*>(cur->data()) : nullptr;
    auto threads = TRY(child.threads());
    ostd::SpinLockGuard g(g_lock);
    if (me && &me->process() == &parent) {
        if (ThreadSignals* mts = thread_state_locked(*me)) {
            cts->blocked = mts->blocked;
            cts->altstack = mts->altstack;  // fork keeps the alternate stack (man sigaltstack).
        }
    }
    child.signal_state = cps.leak();
    if (!threads.is_empty()) threads[0]->signal_state = cts.leak();
    return ostd::ok();
}

ostd::Result<void> on_thread_created(Thread& parent, Thread& child) {
    auto cts = TRY(ostd::try_make_box<ThreadSignals>());
    ostd::SpinLockGuard g(g_lock);
    if (ThreadSignals* pts = thread_state_locked(parent)) cts->blocked = pts->blocked;
    if (!child.signal_state) child.signal_state = cts.leak();
    return ostd::ok();
}

}  // namespace kernel::signal
