// The native user engine: one per UserMode running window code. execute() holds residency and
// disables preemption only while user code runs; page faults that the VmSpace already allows
// are resolved here (install the host mapping, retry) and never reach the kernel.
#include "native_engine.h"

#include <cstdlib>
#include <cstring>

#include <ostd/common/log.h>
#include <ostd/mm/vm_space.h>
#include <ostd/task/preempt.h>

#include "native_window.h"

namespace ostd::detail {

using host::native::ExitKind;
using host::native::VcpuHeader;

namespace {
bool g_available = false;
constexpr int kMaxLazyRetries = 8;
}  // namespace

bool native_engine_available() {
    return g_available;
}

NativeEngine::NativeEngine(UserMode& mode) : mode_(mode) {
    exit_.regs = &mode_.context().regs();
    exit_.fpu = &mode_.context().fpu();
}

NativeEngine::~NativeEngine() = default;

void NativeEngine::discard_all() { mode_.context().fpu().clear(); }

ReturnReason NativeEngine::fetch_fault() {
    mode_.context().set_exception({ExceptionKind::kPageFault,
                                   CpuException::kPfUser | CpuException::kPfFetch,
                                   Vaddr(mode_.context().regs().rip)});
    return ReturnReason::kUserException;
}

void NativeEngine::build_frame(const VcpuHeader& h) {
    const GeneralRegs& r = mode_.context().regs();
    memset(&frame_, 0, sizeof(frame_));
    frame_.uc_flags = 0x6;  // UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS: ss below is valid.
    frame_.uc_stack = h.altstack;
    greg_t* g = frame_.uc_mcontext.gregs;
    g[REG_R8] = static_cast<greg_t>(r.r8);
    g[REG_R9] = static_cast<greg_t>(r.r9);
    g[REG_R10] = static_cast<greg_t>(r.r10);
    g[REG_R11] = static_cast<greg_t>(r.r11);
    g[REG_R12] = static_cast<greg_t>(r.r12);
    g[REG_R13] = static_cast<greg_t>(r.r13);
    g[REG_R14] = static_cast<greg_t>(r.r14);
    g[REG_R15] = static_cast<greg_t>(r.r15);
    g[REG_RDI] = static_cast<greg_t>(r.rdi);
    g[REG_RSI] = static_cast<greg_t>(r.rsi);
    g[REG_RBP] = static_cast<greg_t>(r.rbp);
    g[REG_RBX] = static_cast<greg_t>(r.rbx);
    g[REG_RDX] = static_cast<greg_t>(r.rdx);
    g[REG_RAX] = static_cast<greg_t>(r.rax);
    g[REG_RCX] = static_cast<greg_t>(r.rcx);
    g[REG_RSP] = static_cast<greg_t>(r.rsp);
    g[REG_RIP] = static_cast<greg_t>(r.rip);
    g[REG_EFL] = static_cast<greg_t>(r.rflags);
    g[REG_CSGSFS] = static_cast<greg_t>(uint64_t{h.cs} | (uint64_t{h.ss} << 48));
    // No fpstate: the kernel starts the user from a clean FPU (a new program). The state is
    // restored from the UserContext in place (64-byte aligned, as XRSTOR needs).
    FpuState& fpu = mode_.context().fpu();
    frame_.uc_mcontext.fpregs =
        fpu.is_empty() ? nullptr : reinterpret_cast<fpregset_t>(fpu.data());
    memcpy(&frame_.uc_sigmask, &h.user_sigmask, sizeof(h.user_sigmask));
}

ExitKind NativeEngine::run_once(VcpuHeader& h) {
    build_frame(h);
    host::native::load_user_gs(h, mode_.context().regs().gs_base);
    h.exit = &exit_;
    h.entries.fetch_add(1, std::memory_order_release);
    h.in_user.store(1, std::memory_order_release);
    // SAFETY: frame_ is a complete kernel ucontext built from the UserContext; the handler that
    // ends this call resumes exactly the host stack saved in exit_.host_rsp.
    int kind = orrery_native_enter(&frame_, &exit_.host_rsp, mode_.context().regs().fs_base,
                                   h.use_fsgsbase);
    h.in_user.store(0, std::memory_order_release);
    h.exit = nullptr;
    return static_cast<ExitKind>(kind);
}

ReturnReason NativeEngine::execute(bool (*has_kernel_event)(void*), void* arg) {
    UserContext& ctx = mode_.context();
    exit_.regs = &ctx.regs();
    exit_.fpu = &ctx.fpu();
    for (;;) {
        if (has_kernel_event && has_kernel_event(arg)) return ReturnReason::kKernelEvent;
        const uint64_t rip = ctx.regs().rip;
        if (!g_available || rip < kUserStart.value() || rip >= kUserEnd.value())
            return fetch_fault();
        preempt_disable();
        VcpuHeader* h = host::native::current_vcpu();
        if (!h) {
            preempt_enable();
            return fetch_fault();
        }
        const Paddr root = mode_.vm_space().root_paddr();
        host::native::acquire_residency(root);
        ExitKind kind;
        uint64_t last_fault = ~uint64_t{0};
        int retries = 0;
        for (;;) {
            kind = run_once(*h);
            if (kind != ExitKind::kException) break;
            const CpuException& e = exit_.exception;
            if (e.kind != ExceptionKind::kPageFault) break;
            // The TLB missed: if the page table allows the access, fill it and retry.
            const uint64_t addr = e.fault_addr.value();
            retries = addr == last_fault ? retries + 1 : 0;
            last_fault = addr;
            // Still faulting after installing the page repeatedly: it is mapped, report it.
            bool present = retries >= kMaxLazyRetries;
            if (!present && host::native::install_page(mode_.vm_space(), e.fault_addr, e.is_write(),
                                                       e.is_fetch(), &present))
                continue;
            // The kernel's view: P is whether its page table maps the page, not the window.
            if (present)
                exit_.exception.error_code |= CpuException::kPfPresent;
            else
                exit_.exception.error_code &= ~CpuException::kPfPresent;
            break;
        }
        host::native::release_residency(root);
        // A safe point: a pending tick may switch to another task here.
        preempt_enable();
        switch (kind) {
            case ExitKind::kSyscall:
                return ReturnReason::kUserSyscall;
            case ExitKind::kException:
                ctx.set_exception(exit_.exception);
                return ReturnReason::kUserException;
            case ExitKind::kPreempted:
                continue;
        }
        panic("native engine: unknown exit kind %d", static_cast<int>(kind));
    }
}

}  // namespace ostd::detail

namespace ostd::host::native {

void machine_start() {
    // ORRERY_NATIVE=off leaves the host untouched (no window, handlers or syscall trap).
    const char* knob = getenv("ORRERY_NATIVE");
    if (knob && strcmp(knob, "off") == 0) return;
    if (!window_start()) return;
    if (!signals_start()) {
        window_stop();
        return;
    }
    detail::g_available = true;
}

void machine_stop() {
    if (!detail::g_available) return;
    detail::g_available = false;
    signals_stop();
    window_stop();
}

}  // namespace ostd::host::native
