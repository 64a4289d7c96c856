// The FPU/SSE/AVX part of the x86-64 signal frame: the thread's xsave state is written below the
// rt_sigframe (sigcontext.fpstate points at it) and taken back, sanitised, by rt_sigreturn, so a
// handler's vector registers never leak into the code it interrupted (Linux fpu__alloc_mathframe
// / fpu__restore_sig).
#pragma once

#include <ostd/common/result.h>

#include <kernel/process/process.h>

namespace kernel::signal {

/// Reserves and fills the fpstate area below `sp` (64-byte aligned) with ctx's FPU state.
/// Returns the new stack pointer and sets *fpstate to the area (0 and sp unchanged when the
/// context has no FPU state: scripted programs, or a clean FPU). EFAULT.
ostd::Result<uint64_t> push_fpstate(Thread& t, const ostd::UserContext& ctx, uint64_t sp,
                                    uint64_t* fpstate);

/// rt_sigreturn: loads the fpstate at user address `fpstate` into ctx (0: a clean FPU). Only a
/// state of the format the CPU produced for this thread is accepted, with its header and MXCSR
/// forced into a form XRSTOR takes (what user space cannot legally change is restored from the
/// current state). EFAULT; EINVAL for a foreign format.
ostd::Result<void> pop_fpstate(Thread& t, ostd::UserContext& ctx, uint64_t fpstate);

}  // namespace kernel::signal
