// Generating signals: queueing on a process or thread, the side effects Linux applies at send
// time (SIGKILL kills, SIGCONT resumes and cancels stops, stops cancel SIGCONT, ignored signals
// are dropped), choosing the thread that takes a process-directed signal, and SIGCHLD.
#include <kernel/signal/send.h>

#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>

namespace kernel::signal {
namespace {

using NodeList = ostd::IntrusiveList<PendingNode, &PendingNode::link>;

bool handler_ignores(const abi::KernelSigaction& a, int sig) {
    if (a.handler == abi::sig::kIgn) return true;
    if (a.handler != abi::sig::kDfl) return false;
    DefaultAction d = default_action(sig);
    return d == DefaultAction::kIgnore || d == DefaultAction::kContinue;
}

// Removes `mask` from the shared set and every listed thread's set. g_lock held.
void discard_everywhere(ProcessSignals& ps, ostd::Vector<ostd::Ref<Thread>>& threads,
                        abi::SigSet mask, NodeList* freed) ORRERY_REQUIRES(g_lock) {
    ps.shared.discard(mask, freed);
    for (auto& t : threads)
        if (ThreadSignals* ts = thread_state_locked(*t)) ts->pending.discard(mask, freed);
}

ostd::Result<void> send(Process& p, Thread* target, int sig, const abi::SigInfo& info) {
    if (!is_valid(sig)) return ostd::Error(EINVAL);
    ProcessSignals* ps = process_state(p);
    if (!ps) return p.state() == Process::State::kAlive ? ostd::Error(ENOMEM) : ostd::ok();
    if (target && !thread_state(*target)) return ostd::ok();  // Thread gone.
    auto threads = TRY(p.threads());
    if (sig == abi::sig::kKill) {
        exit_process(p, wait_status_signaled(sig, false));
        // The exit may already have been reaped and `ps` released: touch it only while g_lock
        // shows it still live (release_process() needs g_lock before it frees it, and wakes
        // stopped threads itself).
        ostd::SpinLockGuard g(g_lock);
        if (process_state_locked(p) == ps) {
            ps->stopped.store(false);
            ps->continued.wake_all();
        }
        return ostd::ok();
    }
    auto node = ostd::try_make_box<PendingNode>();
    NodeList freed;
    bool resumed = false;
    bool queued_rt_lost = false;
    {
        ostd::SpinLockGuard g(g_lock);
        if (process_state_locked(p) != ps) return ostd::ok();  // Exited meanwhile.
        if (sig == abi::sig::kCont) {
            discard_everywhere(*ps, threads, kStopSignals, &freed);
            if (ps->stopped.exchange(false)) resumed = true;
        } else if (kStopSignals & bit(sig)) {
            discard_everywhere(*ps, threads, bit(abi::sig::kCont), &freed);
        }
        ThreadSignals* ts = target ? thread_state_locked(*target) : nullptr;
        if (target && !ts) return ostd::ok();
        bool blocked = false;
        if (ts) {
            blocked = (ts->blocked & bit(sig)) != 0;
        } else {
            for (auto& t : threads)
                if (ThreadSignals* s = thread_state_locked(*t); s && (s->blocked & bit(sig)))
                    blocked = true;
        }
        Pending& pend = ts ? ts->pending : ps->shared;
        bool drop = (!blocked && handler_ignores(ps->handlers->of(sig), sig)) ||
                    (sig < abi::sig::kRtmin && (pend.set & bit(sig)));
        if (!drop) {
            pend.set |= bit(sig);
            if (node.is_ok()) {
                PendingNode* n = node.value().leak();
                n->info = info;
                n->info.si_signo = sig;
                pend.queue.push_back(*n);
            } else if (sig >= abi::sig::kRtmin) {
                queued_rt_lost = true;  // The bit stands in for it, with a minimal siginfo.
            }
            // Wake a thread that can take it now.
            if (ts) {
                if (!blocked) kick(*target);
            } else {
                for (auto& t : threads) {
                    ThreadSignals* s = thread_state_locked(*t);
                    if (!s || !(s->blocked & bit(sig))) {
                        kick(*t);
                        break;
                    }
                }
            }
        }
    }
    free_nodes(freed);
    if (resumed) {
        ps->continued.wake_all();
        ProcessTable::report_continued(p);
        notify_parent(p, abi::si::kCldContinued, abi::sig::kCont);
    }
    (void)queued_rt_lost;
    return ostd::ok();
}

}  // namespace

ostd::Result<void> send_signal(Process& process, int sig, const abi::SigInfo& info) {
    return send(process, nullptr, sig, info);
}

ostd::Result<void> send_signal_to_thread(Thread& thread, int sig, const abi::SigInfo& info) {
    return send(thread.process(), &thread, sig, info);
}

void notify_parent(Process& child, int code, int status) {
    Pid ppid = child.ppid();
    if (ppid <= 0) return;
    ostd::RefPtr<Process> parent = ProcessTable::find_process(ppid);
    if (!parent) return;
    if (code == abi::si::kCldStopped || code == abi::si::kCldContinued) {
        ProcessSignals* pps = process_state(*parent);
        if (!pps) return;
        ostd::SpinLockGuard g(g_lock);
        if (pps->handlers->of(abi::sig::kChld).flags & abi::sa::kNocldstop) return;
    }
    // Death is announced with the child's exit signal (clone's CSIGNAL byte; 0: silent), job
    // control changes always with SIGCHLD.
    int signo = abi::sig::kChld;
    if (code != abi::si::kCldStopped && code != abi::si::kCldContinued) {
        signo = child.exit_signal.load();
        if (signo <= 0 || signo > abi::sig::kNsig) return;
    }
    abi::SigInfo info{};
    info.si_signo = signo;
    info.si_code = code;
    info.fields.child.pid = child.pid();
    info.fields.child.uid = child.creds().uids().real;
    info.fields.child.status = status;
    (void)send_signal(*parent, signo, info);
}

void child_state_changed(Process& parent, Process& child) {
    (void)parent;  // notify_parent looks the parent up again (it may have been reparented).
    int st = child.exit_status();
    int sig = st & 0x7f;
    if (sig == 0)
        notify_parent(child, abi::si::kCldExited, (st >> 8) & 0xff);
    else
        notify_parent(child, (st & 0x80) ? abi::si::kCldDumped : abi::si::kCldKilled, sig);
}

}  // namespace kernel::signal
