// Linux x86-64 signal frame: struct sigcontext, the kernel's struct ucontext and the
// rt_sigframe pushed on the user stack before a handler runs (rt_sigreturn reads it back).
#pragma once

#include <cstdint>

#include <kernel/abi/signal.h>

namespace kernel::abi {

/// struct sigcontext (uapi asm/sigcontext.h, 64-bit). fpstate points at the xsave area.
struct Sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip;
    uint64_t eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err;
    uint64_t trapno;
    uint64_t oldmask;
    uint64_t cr2;
    uint64_t fpstate;  // user address of struct _fpstate_64, or 0
    uint64_t reserved1[8];
};
static_assert(sizeof(Sigcontext) == 256);
static_assert(__builtin_offsetof(Sigcontext, rdi) == 64);
static_assert(__builtin_offsetof(Sigcontext, rsp) == 120);
static_assert(__builtin_offsetof(Sigcontext, rip) == 128);
static_assert(__builtin_offsetof(Sigcontext, eflags) == 136);
static_assert(__builtin_offsetof(Sigcontext, cs) == 144);
static_assert(__builtin_offsetof(Sigcontext, err) == 152);
static_assert(__builtin_offsetof(Sigcontext, cr2) == 176);
static_assert(__builtin_offsetof(Sigcontext, fpstate) == 184);

/// uc_flags bits.
namespace uc {
inline constexpr uint64_t kFpXstate = 0x1;
inline constexpr uint64_t kSigcontextSs = 0x2;
inline constexpr uint64_t kStrictRestoreSs = 0x4;
}  // namespace uc

/// The kernel's struct ucontext (not glibc's ucontext_t, which is larger).
struct Ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;  // user address
    StackT uc_stack;
    Sigcontext uc_mcontext;
    SigSet uc_sigmask;
};
static_assert(sizeof(Ucontext) == 304);
static_assert(__builtin_offsetof(Ucontext, uc_stack) == 16);
static_assert(__builtin_offsetof(Ucontext, uc_mcontext) == 40);
static_assert(__builtin_offsetof(Ucontext, uc_sigmask) == 296);

/// struct rt_sigframe: what the user stack pointer points at on handler entry. pretcode is the
/// return address (the SA_RESTORER trampoline); the handler gets &info and &uc as arguments.
struct RtSigframe {
    uint64_t pretcode;
    Ucontext uc;
    SigInfo info;
};
static_assert(sizeof(RtSigframe) == 440);
static_assert(__builtin_offsetof(RtSigframe, uc) == 8);
static_assert(__builtin_offsetof(RtSigframe, info) == 312);

}  // namespace kernel::abi
