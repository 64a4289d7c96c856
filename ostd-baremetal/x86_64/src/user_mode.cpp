// UserMode on bare metal: real ring-3 execution. execute() loads the user space's lower half into
// this CPU's top-level table, restores FS base and the FPU/SSE state, and enters user code with
// sysret (after a plain syscall) or iret (anything else). The
// next syscall, exception or interrupt comes back through user_entry.S, which lands here with the
// user registers in a TrapFrame; an interrupt just gives the kernel a safe point and re-enters.
// Scripted programs exist only on the host backend.
#include <atomic>

#include <ostd/common/panic.h>
#include <ostd/mm/heap.h>
#include <ostd/mm/vm_space.h>
#include <ostd/task/preempt.h>
#include <ostd/user/user_mode.h>

#include "apic.h"
#include "serial.h"
#include "trap.h"
#include "user_entry.h"
#include "x86.h"

extern "C" {
uint64_t bm_user_enter(ostd::bm::TrapFrame* frame);
[[noreturn]] void bm_user_leave(uint64_t kernel_rsp, uint64_t reason);
void bm_syscall_entry();
}

namespace ostd {
namespace bm {
extern uint64_t g_tsc_entry;
}
namespace detail {

/// The bare-metal user engine: the thread's FPU/SSE state (fxsave image).
class UserEngine {
public:
    alignas(16) unsigned char fx[512];
    bool fx_valid = false;
};

}  // namespace detail

namespace bm {
namespace {

enum : uint64_t { kLeftSyscall = 1, kLeftException = 2, kLeftInterrupt = 3 };

std::atomic<uint64_t> g_sysret_entries{0};
std::atomic<uint64_t> g_iret_entries{0};

constexpr uint64_t kUserRflagsMask = 0xcd5;  // CF PF AF ZF SF TF DF OF: what user code may set
constexpr uint64_t kRflagsIf = 1u << 9;

// Copies the user registers of a trap frame into the running UserMode's context.
void save_user_regs(const TrapFrame& f, GeneralRegs& r) {
    r.rax = f.rax, r.rbx = f.rbx, r.rcx = f.rcx, r.rdx = f.rdx, r.rsi = f.rsi, r.rdi = f.rdi;
    r.rbp = f.rbp, r.rsp = f.rsp, r.r8 = f.r8, r.r9 = f.r9, r.r10 = f.r10, r.r11 = f.r11;
    r.r12 = f.r12, r.r13 = f.r13, r.r14 = f.r14, r.r15 = f.r15, r.rip = f.rip;
    r.rflags = f.rflags;
}

UserMode& running_user() {
    auto* um = static_cast<UserMode*>(g_percpu[this_cpu_id()].current_user);
    if (!um) panic("entry from user mode with no UserMode running on this CPU");
    return *um;
}

ExceptionKind kind_of(uint64_t vector) {
    switch (vector) {
        case 0: return ExceptionKind::kDivideError;
        case 1: return ExceptionKind::kDebug;
        case 3: return ExceptionKind::kBreakpoint;
        case 6: return ExceptionKind::kInvalidOpcode;
        case 14: return ExceptionKind::kPageFault;
        case 17: return ExceptionKind::kAlignmentCheck;
        case 16: case 19: return ExceptionKind::kFpuError;
        default: return ExceptionKind::kGeneralProtection;
    }
}

}  // namespace

void print_user_entry_stats() {
    uint64_t s = g_sysret_entries.load(), i = g_iret_entries.load();
    if (s + i) serial_printf("user mode: %lu entries by sysret, %lu by iret\n", s, i);
}

void syscall_msrs_init() {
    wrmsr(0xC0000080, rdmsr(0xC0000080) | 1);  // EFER.SCE
    // STAR: kernel CS/SS from 0x08, sysret bases at 0x18 (user CS 0x2b, SS 0x23).
    wrmsr(0xC0000081, (uint64_t{0x18} << 48) | (uint64_t{kKernelCs} << 32));
    wrmsr(0xC0000082, reinterpret_cast<uint64_t>(&bm_syscall_entry));  // LSTAR
    wrmsr(0xC0000084, 0x47700);  // FMASK: TF DF IF NT AC cleared on entry
}

bool user_exception(TrapFrame& f) {
    UserMode& um = running_user();
    save_user_regs(f, um.context().regs());
    CpuException e;
    e.kind = kind_of(f.vector);
    e.error_code = f.error;
    if (f.vector == 14) e.fault_addr = Vaddr(read_cr2());
    um.context().set_exception(e);
    bm_user_leave(g_percpu[this_cpu_id()].kernel_rsp, kLeftException);
}

void user_interrupted(TrapFrame& f) {
    save_user_regs(f, running_user().context().regs());
    bm_user_leave(g_percpu[this_cpu_id()].kernel_rsp, kLeftInterrupt);
}

extern "C" [[noreturn]] void bm_user_syscall(TrapFrame* f) {
    save_user_regs(*f, running_user().context().regs());
    bm_user_leave(g_percpu[this_cpu_id()].kernel_rsp, kLeftSyscall);
}

}  // namespace bm

UserMode::UserMode(VmSpace& space, const UserContext& ctx) : space_(&space), ctx_(ctx) {}

UserMode::~UserMode() {
    if (engine_) heap::free(engine_);
    (void)native_;  // the host's native engine does not exist here
}

ReturnReason UserMode::execute(bool (*has_kernel_event)(void*), void* arg) {
    if (!engine_) {
        void* mem = heap::alloc(sizeof(detail::UserEngine), 64);
        if (!mem) panic("UserMode: no memory for the FPU state");
        engine_ = new (mem) detail::UserEngine();
    }
    for (;;) {
        if (has_kernel_event(arg)) return ReturnReason::kKernelEvent;
        preempt_point();
        bm::cli();
        bm::PerCpu& pc = bm::g_percpu[bm::this_cpu_id()];
        // SAFETY: the root is a live page-table frame of space_ (the caller keeps it alive while
        // this runs); only its lower-half entries are copied, the kernel half stays ours.
        const auto* root = reinterpret_cast<const uint64_t*>(bm::kDirectMapBase +
                                                              space_->root_paddr().value());
        for (unsigned i = 0; i < 256; ++i) pc.shadow_pml4[i] = root[i];
        pc.active_root = space_->root_paddr().value();
        bm::write_cr3(reinterpret_cast<uint64_t>(pc.shadow_pml4) - bm::kKernelVma);
        pc.current_user = this;
        bm::wrmsr(0xC0000100, ctx_.regs().fs_base);  // IA32_FS_BASE
        if (engine_->fx_valid) {
            __asm__ volatile("fxrstor64 %0" ::"m"(engine_->fx));
        } else {
            uint32_t mxcsr = 0x1f80;
            __asm__ volatile("fninit; ldmxcsr %0" ::"m"(mxcsr));
        }
        const GeneralRegs& r = ctx_.regs();
        bm::TrapFrame f{};
        f.rax = r.rax, f.rbx = r.rbx, f.rcx = r.rcx, f.rdx = r.rdx, f.rsi = r.rsi, f.rdi = r.rdi;
        f.rbp = r.rbp, f.r8 = r.r8, f.r9 = r.r9, f.r10 = r.r10, f.r11 = r.r11, f.r12 = r.r12;
        f.r13 = r.r13, f.r14 = r.r14, f.r15 = r.r15;
        f.rip = r.rip;
        f.cs = bm::kUserCs;
        f.rflags = (r.rflags & bm::kUserRflagsMask) | bm::kRflagsIf | 2;
        f.rsp = r.rsp;
        f.ss = bm::kUserDs;
        // sysret restores rip from rcx and rflags from r11: usable when those already hold the
        // same values (true after a plain syscall; not after a signal frame or sigreturn) and
        // rip is canonical (sysret to a non-canonical rip faults in kernel mode on Intel).
        f.vector = (r.rcx == f.rip && r.r11 == f.rflags && f.rip < (uint64_t{1} << 47)) ? 1 : 0;
        static bool first_entry = true;  // interrupts are off: no race on one CPU at a time
        if (first_entry) {
            first_entry = false;
            bm::serial_printf("boot-time: first user instruction %lu us after entry (rip %#lx)\n",
                              bm::tsc_to_ns(bm::rdtsc() - bm::g_tsc_entry) / 1000, f.rip);
        }
        (f.vector ? bm::g_sysret_entries : bm::g_iret_entries).fetch_add(1, std::memory_order_relaxed);
        uint64_t why = bm_user_enter(&f);
        // Back in the kernel, interrupts off, same CPU (nothing could switch us while away).
        __asm__ volatile("fxsave64 %0" : "=m"(engine_->fx));
        engine_->fx_valid = true;
        bm::PerCpu& back = bm::g_percpu[bm::this_cpu_id()];
        back.current_user = nullptr;
        for (unsigned i = 0; i < 256; ++i) back.shadow_pml4[i] = 0;
        back.active_root = 0;
        bm::write_cr3(reinterpret_cast<uint64_t>(back.shadow_pml4) - bm::kKernelVma);
        bm::sti();
        if (why == bm::kLeftSyscall) return ReturnReason::kUserSyscall;
        if (why == bm::kLeftException) return ReturnReason::kUserException;
        // An interrupt: loop, which checks for kernel events and lets the scheduler run.
    }
}

void UserMode::set_vm_space(VmSpace& space) {
    space_ = &space;
    if (engine_) engine_->fx_valid = false;
}

Result<Vaddr> scripted_program_entry(std::string_view name) {
    (void)name;
    return Error(ENOENT, "scripted programs exist only on the host backend");
}

}  // namespace ostd
