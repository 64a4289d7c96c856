// Native user engine, per-vCPU trap state: the alternate signal stack (whose first page is a
// VcpuHeader the assembly signal prologue finds by masking rsp), the host FS base, and the
// process-wide signal handlers, seccomp / syscall-user-dispatch trap and preemption watchdog.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <ostd/user/user_context.h>

namespace ostd::host::native {

/// Size and alignment of a vCPU's alternate signal stack; its lowest page is the VcpuHeader.
inline constexpr size_t kAltStackSize = size_t{1} << 20;
/// The host signal that preempts long-running user code.
/// SIGRTMIN + 6 on glibc, unused by the runtime; also hard-coded in native_entry.S.
inline constexpr int kPreemptSignal = 40;

/// Why native user code stopped (what the signal handler saw).
enum class ExitKind : int {
    kSyscall = 1,
    kException = 2,
    kPreempted = 3,
};

/// Where the signal handler stores one exit from user mode. Owned by the running engine.
struct ExitState {
    GeneralRegs* regs = nullptr;  // The UserContext's registers, filled on exit.
    FpuState* fpu = nullptr;      // The UserContext's FPU state, filled on exit.
    CpuException exception;
    uint64_t host_rsp = 0;  // Host stack pointer saved by orrery_native_enter.
};

/// Lives at the bottom of the vCPU's alternate signal stack (aligned to kAltStackSize).
/// Offsets of the first fields are used by native_entry.S: keep them in sync.
struct VcpuHeader {
    uint64_t host_fs;       // 0: the vCPU thread's own FS base.
    uint64_t user_fs;       // 8: FS base of the interrupted user code (set by the prologue).
    uint64_t use_fsgsbase;  // 16: 1 if wrfsbase/rdfsbase are usable, else arch_prctl.
    ExitState* exit;        // 24: the engine running user code on this vCPU, or null.
    std::atomic<uint32_t> in_user;  // 1 while user code runs (read by the watchdog).
    std::atomic<uint64_t> entries;  // Count of user-mode entries (watchdog progress check).
    int tid;
    stack_t altstack;  // This altstack, as rt_sigreturn must re-install it.
    stack_t previous_altstack;
    uint64_t user_sigmask;  // Signal mask user code runs with (kernel sigset, 64 signals).
    uint16_t cs, ss;        // Host user code/stack selectors for the sigreturn frame.
    // GS base loaded on this thread: the user's (host code does not use GS on x86-64), loaded
    // on entry when it differs; read back on exit with FSGSBASE (user code may wrgsbase).
    uint64_t loaded_gs;
    uint64_t host_gs;  // Restored when the vCPU stops.
};
static_assert(sizeof(VcpuHeader) <= 4096);
static_assert(offsetof(VcpuHeader, host_fs) == 0 && offsetof(VcpuHeader, user_fs) == 8 &&
                  offsetof(VcpuHeader, use_fsgsbase) == 16 && offsetof(VcpuHeader, in_user) == 32,
              "native_entry.S hard-codes these offsets");

/// Process-wide setup at machine start: signal handlers (raw rt_sigaction, chaining to what was
/// there) and the preemption watchdog. Returns false (native code unavailable) on failure.
bool signals_start();
/// Undoes signals_start(): stops the watchdog and restores the previous handlers.
void signals_stop();

/// Called on each vCPU thread as it starts/stops: alternate stack, FS base, syscall trap.
void vcpu_start();
void vcpu_stop();
/// The calling vCPU's header, or null if it has none (not a vCPU, or setup failed).
VcpuHeader* current_vcpu();
/// Loads `gs` as this vCPU thread's GS base unless it is loaded already.
void load_user_gs(VcpuHeader& h, uint64_t gs);

/// How syscalls from the window are trapped.
enum class TrapMode { kSeccomp, kUserDispatch };
TrapMode trap_mode();

}  // namespace ostd::host::native

extern "C" {
/// Enters user mode: saves callee-saved registers and the host rsp in *host_rsp, sets FS base,
/// then rt_sigreturn with the kernel ucontext at `uc`. Returns the ExitKind when a signal handler
/// calls orrery_native_resume_host().
int orrery_native_enter(void* uc, uint64_t* host_rsp, uint64_t user_fs, uint64_t use_fsgsbase);
/// Abandons the signal handler and returns `kind` from the orrery_native_enter() that saved rsp.
[[noreturn]] void orrery_native_resume_host(uint64_t host_rsp, int kind);
/// Signal entry (sa_sigaction) and restorer (sa_restorer).
void orrery_native_signal(int sig, siginfo_t* info, void* uc);
void orrery_native_restorer();
uint64_t orrery_native_read_cs();
uint64_t orrery_native_read_ss();
}
