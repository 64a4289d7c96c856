// The scripted user engine. Each activation (program main, signal handler, fork child) is a fiber
// that runs "in user mode" on the task that called UserMode::execute(); it hands control back to
// the kernel by switching to the task's kernel context with a ReturnReason. The instruction
// pointer in UserContext names what to run: a fiber's suspension site resumes that fiber, a
// registered entry token starts a new activation, anything else is an instruction-fetch fault.
#include "scripted_engine.h"

#include <cstring>

#include <ostd/common/log.h>
#include <ostd/common/panic.h>
#include <ostd/task/preempt.h>

#include "mm/user_access.h"
#include "recycler.h"
#include "task/sched.h"

namespace ostd::detail {

namespace {
constexpr size_t kFiberStack = size_t{256} << 10;
constexpr uint64_t kSysRtSigreturn = 15;
host::Recycler<ScriptedFiber> g_fibers;
}  // namespace

UserEngine::~UserEngine() { discard_all(); }

void UserEngine::discard_all() { destroy_fibers_above(0); }

void UserEngine::destroy_fibers_above(size_t keep) {
    while (fibers_.size() > keep) {
        ScriptedFiber* f = fibers_.back();
        fibers_.pop_back();
        // SAFETY: a fiber is only ever suspended (waiting for the kernel) when the engine runs.
        hal::context_destroy(f->ctx);
        g_fibers.drop(f);
    }
}

ReturnReason UserEngine::execute(bool (*has_kernel_event)(void*), void* arg) {
    has_event_ = has_kernel_event;
    event_arg_ = arg;
    if (has_kernel_event && has_kernel_event(arg)) return ReturnReason::kKernelEvent;
    GeneralRegs& regs = context().regs();
    const uint64_t rip = regs.rip;

    for (size_t i = fibers_.size(); i-- > 0;) {
        ScriptedFiber& f = *fibers_[i];
        if (rip == f.suspended_rip) {
            destroy_fibers_above(i + 1);
            switch_to_fiber(f);
            return reason_;
        }
        if (f.suspended_rip == f.site_base + host::detail::kSyscallSite && rip + 2 == f.suspended_rip) {
            // The kernel rewound rip over the 2-byte syscall instruction to restart the call
            // (rax holds the number again): "execute" it once more.
            destroy_fibers_above(i + 1);
            regs.rip = f.suspended_rip;
            regs.rcx = regs.rip;
            regs.r11 = regs.rflags;
            return ReturnReason::kUserSyscall;
        }
    }

    host::detail::ScriptedCode code;
    if (rip >= host::kScriptedTextStart && rip < host::kScriptedTextEnd &&
        host::detail::lookup_scripted_code(rip, &code)) {
        ScriptedFiber* f = g_fibers.make();
        if (!f) {
            // No host memory: report it like a fault at the entry.
            context().set_exception({ExceptionKind::kPageFault,
                                     CpuException::kPfUser | CpuException::kPfFetch, Vaddr(rip)});
            return ReturnReason::kUserException;
        }
        f->engine = this;
        f->code = std::move(code);
        f->site_base = host::detail::new_fiber_site_base();
        f->initial_rsp = regs.rsp;
        auto ctx = hal::context_create(&UserEngine::fiber_main, f, kFiberStack);
        if (ctx.is_error()) {
            g_fibers.drop(f);
            // No host memory for a stack: report it like a fault at the entry.
            context().set_exception({ExceptionKind::kPageFault,
                                     CpuException::kPfUser | CpuException::kPfFetch, Vaddr(rip)});
            return ReturnReason::kUserException;
        }
        f->ctx = ctx.value();
        fibers_.push_back(f);
        switch_to_fiber(*f);
        return reason_;
    }

    // Nothing executable at rip: an instruction fetch from unmapped memory.
    context().set_exception(
        {ExceptionKind::kPageFault, CpuException::kPfUser | CpuException::kPfFetch, Vaddr(rip)});
    return ReturnReason::kUserException;
}

void UserEngine::switch_to_fiber(ScriptedFiber& f) {
    preempt_disable();
    kernel_ctx_ = Sched::current_context();
    Sched::switch_within_task(f.ctx);
    // Back on the kernel side: the fiber disabled preemption before switching here.
    preempt_enable();
}

void UserEngine::switch_to_kernel(ScriptedFiber& f, ReturnReason reason) {
    reason_ = reason;
    preempt_disable();
    Sched::switch_within_task(kernel_ctx_);
    // Resumed by switch_to_fiber(), which disabled preemption first.
    preempt_enable();
    (void)f;
}

void UserEngine::fiber_main(void* create_arg, void*) {
    // Entered from switch_to_fiber() with preemption disabled.
    preempt_enable();
    auto& f = *static_cast<ScriptedFiber*>(create_arg);
    UserEngine& engine = *f.engine;
    host::ScriptedUser user = host::detail::make_scripted_user(&f);
    GeneralRegs& regs = engine.context().regs();
    if (f.code.main) {
        int status = f.code.main(user);
        // Falling off main is exit(status); the kernel never resumes this activation.
        for (int tries = 0; tries < 3; ++tries) {
            regs.rax = f.code.exit_nr;
            regs.rdi = static_cast<uint64_t>(status);
            engine.do_syscall(f);
        }
        panic("scripted program: the kernel returned from exit (%lu)",
              static_cast<unsigned long>(f.code.exit_nr));
    }
    // A signal handler: its return goes to the restorer, i.e. rt_sigreturn with the return
    // address popped off the stack.
    f.code.handler(user);
    for (;;) {
        regs.rsp += 8;
        regs.rax = kSysRtSigreturn;
        engine.do_syscall(f);
        // rt_sigreturn failed and the kernel came back here (e.g. a handled SIGSEGV): retry.
        regs.rsp -= 8;
    }
}

int64_t UserEngine::do_syscall(ScriptedFiber& f) {
    GeneralRegs& regs = context().regs();
    f.suspended_rip = f.next_site_override ? f.next_site_override
                                           : f.site_base + host::detail::kSyscallSite;
    f.next_site_override = 0;
    regs.rip = f.suspended_rip;
    regs.rcx = regs.rip;  // What the syscall instruction leaves behind.
    regs.r11 = regs.rflags;
    switch_to_kernel(f, ReturnReason::kUserSyscall);
    return static_cast<int64_t>(regs.rax);
}

bool UserEngine::try_copy_page(uint64_t va, std::byte* buf, size_t n, bool write, bool* present) {
    *present = false;
    if (va < kUserStart.value() || va >= kUserEnd.value()) return false;
    Vaddr page = Vaddr(va).page_down();
    auto cursor = mode_.vm_space().cursor(VaRange{page, page + kPageSize});
    if (cursor.is_error()) return false;
    auto mapped = cursor.value().query();
    if (!mapped) return false;
    *present = true;
    const PageProperty& prop = mapped->prop;
    if (!has_priv(prop.priv, PrivilegeFlags::kUser)) return false;
    if (!has_flags(prop.flags, write ? PageFlags::kW : PageFlags::kR)) return false;
    size_t offset = va - page.value();
    UserAccessScope user_memory;  // User memory: races with other users are by design.
    if (write)
        mapped->frame.copy_from(offset, {buf, n});
    else
        mapped->frame.copy_to(offset, {buf, n});
    return true;
}

void UserEngine::access_memory(ScriptedFiber& f, uint64_t va, void* buf, size_t n, bool write) {
    auto* p = static_cast<std::byte*>(buf);
    while (n > 0) {
        size_t in_page = kPageSize - (va & (kPageSize - 1));
        size_t chunk = n < in_page ? n : in_page;
        bool present = false;
        if (va + chunk >= va && try_copy_page(va, p, chunk, write, &present)) {
            va += chunk;
            p += chunk;
            n -= chunk;
            continue;
        }
        uint64_t code = CpuException::kPfUser | (write ? CpuException::kPfWrite : 0) |
                        (present ? CpuException::kPfPresent : 0);
        context().set_exception({ExceptionKind::kPageFault, code, Vaddr(va)});
        f.suspended_rip = f.site_base + host::detail::kMemorySite;
        context().regs().rip = f.suspended_rip;
        switch_to_kernel(f, ReturnReason::kUserException);
        // Resumed: the kernel fixed the mapping (or a handler ran and returned); retry.
    }
}

}  // namespace ostd::detail
