// The user loop of every thread: run user code, serve its syscalls and faults, repeat.
#include <kernel/process/user_loop.h>

#include <atomic>

#include <ostd/common/log.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>
#include <ostd/user/user_mode.h>

#include <kernel/process/process_table.h>
#include <kernel/syscall/dispatch.h>
#include <kernel/syscall/user_memory.h>

namespace kernel {
namespace {

const SignalHooks* g_signal_hooks = nullptr;
std::atomic<bool> g_trace{false};

constexpr int kSigSegv = 11, kSigIll = 4, kSigFpe = 8, kSigTrap = 5, kSigBus = 7, kSigKill = 9;

class LogTraceSink final : public syscall::SyscallTraceSink {
public:
    explicit LogTraceSink(Thread& t) : t_(t) {}
    void emit(const char* line, size_t len) override {
        ostd::printk("[%d] %.*s\n", t_.tid(), static_cast<int>(len), line);
    }

private:
    Thread& t_;
};

bool has_kernel_event(void* arg) {
    auto& t = *static_cast<Thread*>(arg);
    if (t.exit_requested()) return true;
    return g_signal_hooks && g_signal_hooks->has_pending && g_signal_hooks->has_pending(t);
}

bool is_restart(int64_t ret) {
    return ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
           ret == -ERESTART_RESTARTBLOCK;
}

void handle_syscall(Thread& t, ostd::UserMode& um) {
    ostd::UserContext& ctx = um.context();
    syscall::SyscallArgs args;
    // Linux looks at eax only (sign-extended) when choosing the call.
    args.nr = static_cast<int32_t>(static_cast<uint32_t>(ctx.syscall_nr()));
    for (unsigned i = 0; i < 6; ++i) args.args[i] = ctx.syscall_arg(i);
    t.orig_syscall_nr = args.nr;
    ProcessUserReader reader(t.process().address_space().vm_space());
    LogTraceSink sink(t);
    syscall::SyscallContext sctx{&t, &t.process(), &reader,
                                 g_trace.load(std::memory_order_relaxed) ? &sink : nullptr};
    int64_t ret = syscall::dispatch(sctx, args);
    if (t.exit_requested()) return;
    um.context().set_syscall_ret(static_cast<uint64_t>(ret));
    if (g_signal_hooks && g_signal_hooks->before_user) {
        g_signal_hooks->before_user(t, um.context(), &ret);
    } else if (is_restart(ret)) {
        // No signal subsystem: nothing was delivered, so the call simply restarts.
        um.context().regs().rax = static_cast<uint64_t>(t.orig_syscall_nr);
        um.context().regs().rip -= 2;
    }
}

void raise_fault(Thread& t, int sig, int code, uint64_t addr) {
    if (g_signal_hooks && g_signal_hooks->force_signal) {
        g_signal_hooks->force_signal(t, sig, code, addr);
        return;
    }
    exit_process(t.process(), wait_status_signaled(sig, true));
}

void handle_exception(Thread& t, ostd::UserMode& um) {
    const ostd::CpuException& e = um.context().exception();
    switch (e.kind) {
        case ostd::ExceptionKind::kPageFault: {
            FaultAccess access{e.is_write(), e.is_fetch(), e.is_protection()};
            int r = t.process().address_space().handle_fault(e.fault_addr.value(), access);
            if (r == 0) return;
            if (r == static_cast<int>(FaultError::kOom)) {
                ostd::log(ostd::LogLevel::kWarn, "out of memory: killing pid %d",
                          t.process().pid());
                exit_process(t.process(), wait_status_signaled(kSigKill, false));
                return;
            }
            if (r == static_cast<int>(FaultError::kBus)) {
                raise_fault(t, kSigBus, 2 /* BUS_ADRERR */, e.fault_addr.value());
                return;
            }
            raise_fault(t, kSigSegv, r, e.fault_addr.value());
            return;
        }
        case ostd::ExceptionKind::kInvalidOpcode: raise_fault(t, kSigIll, 2, um.context().regs().rip); return;
        case ostd::ExceptionKind::kDivideError: raise_fault(t, kSigFpe, 1, um.context().regs().rip); return;
        case ostd::ExceptionKind::kBreakpoint:
        case ostd::ExceptionKind::kDebug: raise_fault(t, kSigTrap, 1, um.context().regs().rip); return;
        case ostd::ExceptionKind::kAlignmentCheck: raise_fault(t, kSigBus, 1, um.context().regs().rip); return;
        case ostd::ExceptionKind::kFpuError: raise_fault(t, kSigFpe, 0, um.context().regs().rip); return;
        default: raise_fault(t, kSigSegv, 128, 0); return;  // SI_KERNEL for #GP
    }
}

int thread_main(ostd::Ref<Thread> t, ostd::UserContext start) {
    {
        ostd::UserMode um(t->process().address_space().vm_space(), start);
        t->attach_user_mode(&um);
        uint64_t mark = ostd::time::now();
        // Charges the time since `mark` to user or system time.
        auto charge = [&](std::atomic<uint64_t>& counter) {
            uint64_t now = ostd::time::now();
            counter.fetch_add(now - mark, std::memory_order_relaxed);
            mark = now;
        };
        while (!t->exit_requested()) {
            ostd::ReturnReason reason = um.execute(&has_kernel_event, t.ptr());
            charge(t->utime_ns);
            if (reason == ostd::ReturnReason::kUserSyscall) {
                handle_syscall(*t, um);
                charge(t->stime_ns);
                continue;
            }
            if (reason == ostd::ReturnReason::kUserException) handle_exception(*t, um);
            if (!t->exit_requested() && g_signal_hooks && g_signal_hooks->before_user)
                g_signal_hooks->before_user(*t, um.context(), nullptr);
            charge(t->stime_ns);
        }
        t->attach_user_mode(nullptr);
    }
    ProcessTable::exit_thread(*t, t->exit_status);
    return 0;
}

}  // namespace

void set_signal_hooks(const SignalHooks* hooks) { g_signal_hooks = hooks; }
void set_syscall_trace(bool on) { g_trace.store(on, std::memory_order_relaxed); }
bool syscall_trace_enabled() { return g_trace.load(std::memory_order_relaxed); }

ostd::Result<void> start_thread(ostd::Ref<Thread> thread, const ostd::UserContext& ctx) {
    Thread* raw = thread.ptr();
    auto task = TRY(ostd::Task::spawn(
        ostd::TaskOptions([t = std::move(thread), ctx]() mutable {
            return thread_main(std::move(t), ctx);
        })
            .name("user")
            .data(raw)));
    raw->task_.store(task.ptr(), std::memory_order_release);
    raw->task_ref_.emplace(std::move(task));
    return ostd::ok();
}

void exit_current_thread(Thread& thread, int wait_status) {
    thread.exit_status = wait_status;
    thread.request_exit();
}

void exit_process(Process& process, int wait_status) {
    ProcessTable::exit_group(process, wait_status);
}

}  // namespace kernel
