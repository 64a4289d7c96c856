// The x86-64 rt_sigframe: written on the user (or alternate) stack before a handler runs and
// read back by rt_sigreturn, exactly as Linux lays it out (arch/x86/kernel/signal.c).
#include <kernel/abi/sigframe.h>
#include <kernel/signal/deliver.h>
#include <kernel/signal/fpu_frame.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::signal {
namespace {

constexpr uint64_t kRedZone = 128;
constexpr uint64_t kUserCs = 0x33, kUserSs = 0x2b;
constexpr uint64_t kFlagTf = 0x100, kFlagDf = 0x400;
// The flags user space may change through sigreturn (Linux FIX_EFLAGS).
constexpr uint64_t kFixFlags =
    0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x10000 | 0x40000;
constexpr uint64_t kUserTop = 0x0000'8000'0000'0000;  // Canonical lower half.

bool on_stack(const abi::StackT& ss, uint64_t sp) {
    return ss.ss_size != 0 && sp > ss.ss_sp && sp - ss.ss_sp <= ss.ss_size;
}

// sas_ss_flags(): what sigaltstack(2) and uc_stack report for stack pointer sp.
int32_t stack_flags(const abi::StackT& ss, uint64_t sp) {
    if (ss.ss_size == 0) return abi::ss::kDisable;
    return on_stack(ss, sp) ? abi::ss::kOnstack : 0;
}

syscall::SyscallContext user_ctx(Thread& t) {
    return syscall::SyscallContext{&t, &t.process(), nullptr, nullptr};
}

}  // namespace

ostd::Result<void> setup_frame(Thread& t, ostd::UserContext& ctx, const Delivery& d) {
    ostd::GeneralRegs& r = ctx.regs();
    // x86-64 requires a restorer; without one Linux cannot return from the handler.
    if (!(d.action.flags & abi::sa::kRestorer)) return ostd::Error(EFAULT, "no SA_RESTORER");
    uint64_t sp = r.rsp - kRedZone;
    if ((d.action.flags & abi::sa::kOnstack) && stack_flags(d.altstack, r.rsp) == 0)
        sp = d.altstack.ss_sp + d.altstack.ss_size;
    uint64_t fpstate = 0;
    sp = TRY(push_fpstate(t, ctx, sp, &fpstate));
    uint64_t frame = ((sp - sizeof(abi::RtSigframe)) & ~uint64_t{15}) - 8;
    if (frame >= sp) return ostd::Error(EFAULT, "stack wrapped");

    abi::RtSigframe f{};
    f.pretcode = d.action.restorer;
    f.uc.uc_flags = abi::uc::kSigcontextSs | abi::uc::kStrictRestoreSs;
    f.uc.uc_link = 0;
    f.uc.uc_stack.ss_sp = d.altstack.ss_sp;
    f.uc.uc_stack.ss_flags = d.altstack.ss_flags;  // The stored flags (__save_altstack).
    f.uc.uc_stack.ss_size = d.altstack.ss_size;
    abi::Sigcontext& sc = f.uc.uc_mcontext;
    sc.r8 = r.r8, sc.r9 = r.r9, sc.r10 = r.r10, sc.r11 = r.r11;
    sc.r12 = r.r12, sc.r13 = r.r13, sc.r14 = r.r14, sc.r15 = r.r15;
    sc.rdi = r.rdi, sc.rsi = r.rsi, sc.rbp = r.rbp, sc.rbx = r.rbx;
    sc.rdx = r.rdx, sc.rax = r.rax, sc.rcx = r.rcx, sc.rsp = r.rsp;
    sc.rip = r.rip;
    sc.eflags = r.rflags;
    sc.cs = kUserCs;
    sc.ss = kUserSs;
    sc.err = d.err;
    sc.trapno = d.trapno;
    sc.oldmask = d.old_mask;
    sc.cr2 = d.cr2;
    sc.fpstate = fpstate;
    f.uc.uc_sigmask = d.old_mask;
    f.info = d.info;

    auto uctx = user_ctx(t);
    TRY(copy_to_user(uctx, frame, &f, sizeof f));

    r.rsp = frame;
    r.rip = d.action.handler;
    r.rdi = static_cast<uint64_t>(d.sig);
    r.rsi = frame + __builtin_offsetof(abi::RtSigframe, info);
    r.rdx = frame + __builtin_offsetof(abi::RtSigframe, uc);
    r.rax = 0;
    r.rflags &= ~(kFlagTf | kFlagDf);
    return ostd::ok();
}

ostd::Result<int64_t> sigreturn(Thread& t) {
    ostd::GeneralRegs& r = t.user_mode().context().regs();
    uint64_t frame = r.rsp - 8;  // The handler's `ret` popped pretcode.
    abi::RtSigframe f;
    auto uctx = user_ctx(t);
    const abi::Sigcontext& sc = f.uc.uc_mcontext;
    if (copy_from_user(uctx, frame, &f, sizeof f).is_error() || sc.rip >= kUserTop ||
        sc.rsp >= kUserTop) {
        force_signal(t, abi::sig::kSegv, abi::si::kKernel, 0);
        return 0;
    }
    r.r8 = sc.r8, r.r9 = sc.r9, r.r10 = sc.r10, r.r11 = sc.r11;
    r.r12 = sc.r12, r.r13 = sc.r13, r.r14 = sc.r14, r.r15 = sc.r15;
    r.rdi = sc.rdi, r.rsi = sc.rsi, r.rbp = sc.rbp, r.rbx = sc.rbx;
    r.rdx = sc.rdx, r.rax = sc.rax, r.rcx = sc.rcx, r.rsp = sc.rsp;
    r.rip = sc.rip;
    r.rflags = (r.rflags & ~kFixFlags) | (sc.eflags & kFixFlags);
    // A bad FPU image is the program's fault, as on Linux: SIGSEGV, never the host's XRSTOR.
    if (pop_fpstate(t, t.user_mode().context(), sc.fpstate).is_error()) {
        force_signal(t, abi::sig::kSegv, abi::si::kKernel, 0);
        return 0;
    }

    ThreadSignals* ts = thread_state(t);
    if (ts) {
        ostd::SpinLockGuard g(g_lock);
        ts->blocked = f.uc.uc_sigmask & ~kUnblockable;
        ts->restore_mask = false;
        // restore_altstack(): only a changed, valid setting applies, and not while on it.
        const abi::StackT& ss = f.uc.uc_stack;
        int32_t mode = ss.ss_flags & ~static_cast<int32_t>(abi::ss::kAutodisarm);
        bool same = ss.ss_sp == ts->altstack.ss_sp && ss.ss_size == ts->altstack.ss_size;
        if (!same && !on_stack(ts->altstack, r.rsp)) {
            if (mode == abi::ss::kDisable)
                ts->altstack = abi::StackT{0, abi::ss::kDisable, 0, 0};
            else if ((mode == 0 || mode == abi::ss::kOnstack) &&
                     ss.ss_size >= abi::ss::kMinsigstksz)
                ts->altstack =
                    abi::StackT{ss.ss_sp, ss.ss_flags & static_cast<int32_t>(abi::ss::kAutodisarm),
                                0, ss.ss_size};
        }
    }
    // The restored rax goes back as the call's result; dispatch() insists errno-range values
    // travel as errors (they are the interrupted call's -errno).
    int64_t rax = static_cast<int64_t>(sc.rax);
    if (rax >= -4095 && rax < 0) return ostd::Error(static_cast<int>(-rax));
    return rax;
}

}  // namespace kernel::signal
