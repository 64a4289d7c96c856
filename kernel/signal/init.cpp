// Wiring: the signal subsystem's process hooks (fork, thread/process exit, SIGCHLD) and its
// user-loop hooks (pending check, delivery, faults).
#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>
#include <kernel/signal/deliver.h>
#include <kernel/signal/send.h>

namespace kernel::signal {
namespace {

const ProcessHooks kProcessHooks{
    .on_fork = &fork_state,
    .on_thread_exit = &release_thread,
    .on_process_exit = &release_process,
    .on_child_state = &child_state_changed,
};

const SignalHooks kSignalHooks{
    .has_pending = &has_pending,
    .before_user = &before_user,
    .force_signal = &force_signal,
};

}  // namespace

void init() {
    ProcessTable::add_hooks(&kProcessHooks);
    set_signal_hooks(&kSignalHooks);
}

void on_exec(Thread& thread) {
    ProcessSignals* ps = process_state(thread.process());
    if (!ps) return;
    auto fresh = ostd::try_make_ref<Handlers>();
    ostd::RefPtr<Handlers> old;
    {
        ostd::SpinLockGuard g(g_lock);
        // Without memory for a private table, reset the current one in place.
        Handlers& into = fresh.is_ok() ? *fresh.value() : *ps->handlers;
        for (int i = 0; i < abi::sig::kNsig; ++i) {
            // Caught signals reset; ignored ones stay ignored (man 2 execve).
            bool ignored = ps->handlers->action[i].handler == abi::sig::kIgn;
            into.action[i] = abi::KernelSigaction{};
            if (ignored) into.action[i].handler = abi::sig::kIgn;
        }
        if (fresh.is_ok()) {
            old = ps->handlers;
            ps->handlers = fresh.value();  // Unshared: CLONE_SIGHAND partners keep the old one.
        }
        if (ThreadSignals* ts = thread_state_locked(thread))
            ts->altstack = abi::StackT{0, abi::ss::kDisable, 0, 0};
    }
}

}  // namespace kernel::signal
