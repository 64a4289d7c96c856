// Native user engine, the trap: a signal that interrupted user code (the assembly prologue has
// already put the host FS base back) is turned into a UserContext snapshot plus an ExitKind,
// and the handler is abandoned for the host stack saved when user mode was entered.
#include <signal.h>
#include <ucontext.h>

#include <cstddef>
#include <cstdint>

#include "native_cpu.h"

#if defined(__clang__)
#define ORRERY_SIGNAL_PATH __attribute__((disable_sanitizer_instrumentation))
#else
#define ORRERY_SIGNAL_PATH __attribute__((no_sanitize("address", "thread", "undefined")))
#endif

extern "C" void orrery_native_signal_host(int sig, siginfo_t* info, void* uc);

namespace {

using ostd::CpuException;
using ostd::ExceptionKind;
using ostd::host::native::ExitKind;
using ostd::host::native::ExitState;

constexpr uint32_t kFpXstateMagic1 = 0x46505853;
constexpr size_t kFxsaveBytes = 512;
constexpr size_t kSwReservedOffset = 464;

ORRERY_SIGNAL_PATH void copy_bytes(std::byte* dst, const std::byte* src, size_t n) {
    // A plain loop: no libc call (possibly intercepted) on the signal path.
    auto* d = reinterpret_cast<volatile uint64_t*>(dst);
    auto* s = reinterpret_cast<const uint64_t*>(src);
    for (size_t i = 0; i < n / 8; ++i)
        d[i] = s[i];
    for (size_t i = n & ~size_t{7}; i < n; ++i)
        dst[i] = src[i];
}

/// Keeps the interrupted FPU/SSE/AVX state (the kernel's signal-frame fpstate) in the
/// UserContext for re-entry (and for a fork child). A state larger than FpuState's capacity
/// (AMX, when a program asked for it) is dropped: the next entry starts from a clean FPU.
ORRERY_SIGNAL_PATH void save_fpstate(ExitState& e, const ucontext_t* uc) {
    if (!e.fpu) return;
    e.fpu->clear();
    auto* fp = reinterpret_cast<const std::byte*>(uc->uc_mcontext.fpregs);
    if (!fp) return;
    uint32_t magic1 = 0, extended = 0;
    copy_bytes(reinterpret_cast<std::byte*>(&magic1), fp + kSwReservedOffset, 4);
    copy_bytes(reinterpret_cast<std::byte*>(&extended), fp + kSwReservedOffset + 4, 4);
    size_t n = magic1 == kFpXstateMagic1 ? extended : kFxsaveBytes;
    if (n < kFxsaveBytes || n > ostd::FpuState::kCapacity) return;
    copy_bytes(e.fpu->data(), fp, n);
    e.fpu->set_size(n);
}

/// The user's GS base at exit: with FSGSBASE user code may have changed it (wrgsbase); without,
/// only arch_prctl can, and that is a trapped syscall, so the loaded value still holds.
ORRERY_SIGNAL_PATH uint64_t user_gs_base(ostd::host::native::VcpuHeader& h) {
    if (h.use_fsgsbase) {
        uint64_t gs;
        asm volatile("rdgsbase %0" : "=r"(gs));
        h.loaded_gs = gs;
    }
    return h.loaded_gs;
}

ORRERY_SIGNAL_PATH CpuException classify(int sig, const siginfo_t* info, const greg_t* g) {
    const uint64_t trapno = static_cast<uint64_t>(g[REG_TRAPNO]);
    const uint64_t err = static_cast<uint64_t>(g[REG_ERR]);
    CpuException e;
    switch (sig) {
        case SIGSEGV:
        case SIGBUS:
            if (trapno == 13) {
                e.kind = ExceptionKind::kGeneralProtection;
            } else if (trapno == 17) {
                e.kind = ExceptionKind::kAlignmentCheck;
            } else {
                e.kind = ExceptionKind::kPageFault;
                e.error_code = (err & 0x1f) | CpuException::kPfUser;
                e.fault_addr = ostd::Vaddr(reinterpret_cast<uint64_t>(info->si_addr));
            }
            break;
        case SIGILL:
            e.kind = ExceptionKind::kInvalidOpcode;
            break;
        case SIGFPE:
            e.kind = (trapno == 16 || trapno == 19) ? ExceptionKind::kFpuError
                                                    : ExceptionKind::kDivideError;
            break;
        case SIGTRAP:
            e.kind = trapno == 1 ? ExceptionKind::kDebug : ExceptionKind::kBreakpoint;
            break;
        default:
            e.kind = ExceptionKind::kGeneralProtection;
            break;
    }
    return e;
}

}  // namespace

extern "C" ORRERY_SIGNAL_PATH void orrery_native_signal_user(int sig, siginfo_t* info, void* ucv,
                                                             ostd::host::native::VcpuHeader* h) {
    ExitState* e = h->exit;
    if (!e) {
        // User code with no engine behind it cannot happen; treat it as a host crash.
        orrery_native_signal_host(sig, info, ucv);
        return;
    }
    auto* uc = static_cast<ucontext_t*>(ucv);
    const greg_t* g = uc->uc_mcontext.gregs;
    ostd::GeneralRegs& r = *e->regs;
    r.r8 = static_cast<uint64_t>(g[REG_R8]);
    r.r9 = static_cast<uint64_t>(g[REG_R9]);
    r.r10 = static_cast<uint64_t>(g[REG_R10]);
    r.r11 = static_cast<uint64_t>(g[REG_R11]);
    r.r12 = static_cast<uint64_t>(g[REG_R12]);
    r.r13 = static_cast<uint64_t>(g[REG_R13]);
    r.r14 = static_cast<uint64_t>(g[REG_R14]);
    r.r15 = static_cast<uint64_t>(g[REG_R15]);
    r.rdi = static_cast<uint64_t>(g[REG_RDI]);
    r.rsi = static_cast<uint64_t>(g[REG_RSI]);
    r.rbp = static_cast<uint64_t>(g[REG_RBP]);
    r.rbx = static_cast<uint64_t>(g[REG_RBX]);
    r.rdx = static_cast<uint64_t>(g[REG_RDX]);
    r.rax = static_cast<uint64_t>(g[REG_RAX]);
    r.rcx = static_cast<uint64_t>(g[REG_RCX]);
    r.rsp = static_cast<uint64_t>(g[REG_RSP]);
    r.rip = static_cast<uint64_t>(g[REG_RIP]);
    r.rflags = static_cast<uint64_t>(g[REG_EFL]);
    r.fs_base = h->user_fs;
    r.gs_base = user_gs_base(*h);
    save_fpstate(*e, uc);
    ExitKind kind;
    if (sig == SIGSYS) {
        // Seccomp and user dispatch both roll rax back to the number (so r.rax is it); rip is
        // past the syscall instruction and rcx/r11 hold what it left, as Linux would see them.
        kind = ExitKind::kSyscall;
    } else if (sig == ostd::host::native::kPreemptSignal) {
        kind = ExitKind::kPreempted;
    } else {
        e->exception = classify(sig, info, g);
        kind = ExitKind::kException;
    }
    orrery_native_resume_host(e->host_rsp, static_cast<int>(kind));
}
