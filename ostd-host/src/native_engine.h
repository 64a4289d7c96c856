// The native user engine: runs x86-64 code in the user window behind UserMode::execute().
// Entry is rt_sigreturn with a built frame (all GPRs, rflags, FPU state in one step); exits are
// host signals (SIGSYS syscall trap, faults, the preemption tick) handled in native_trap.cpp.
#pragma once

#include <ucontext.h>

#include <ostd/user/user_mode.h>

#include "native_cpu.h"

namespace ostd::detail {

/// One per UserMode. The FPU/SSE/AVX state and the FS/GS bases live in the UserContext, so a
/// copied context (fork, clone) carries them.
class NativeEngine {
public:
    explicit NativeEngine(UserMode& mode);
    ~NativeEngine();
    NativeEngine(const NativeEngine&) = delete;
    NativeEngine& operator=(const NativeEngine&) = delete;

    ReturnReason execute(bool (*has_kernel_event)(void*), void* arg);
    /// execve: the FPU state belongs to the old image.
    void discard_all();

private:
    /// Runs user code once (residency held, preemption off); returns the ExitKind.
    host::native::ExitKind run_once(host::native::VcpuHeader& h);
    void build_frame(const host::native::VcpuHeader& h);
    ReturnReason fetch_fault();

    UserMode& mode_;
    host::native::ExitState exit_;
    alignas(64) ucontext_t frame_;
};

/// True when this machine can run native user code (window reserved, signals installed).
bool native_engine_available();

}  // namespace ostd::detail

namespace ostd::host::native {
/// Machine lifecycle hooks (machine.cpp): window, handlers, watchdog; per-vCPU trap state.
void machine_start();
void machine_stop();
}  // namespace ostd::host::native
