// CPU state saved on interrupt and exception entry, descriptor tables and per-CPU data of the
// bare-metal backend (backend-private).
#pragma once

#include <cstdint>

namespace ostd::bm {

/// Layout pushed by trap_entry.S (lowest address first).
struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;  // pushed by the CPU
};
static_assert(sizeof(TrapFrame) == 22 * 8);

inline constexpr uint16_t kKernelCs = 0x08;
inline constexpr uint16_t kKernelDs = 0x10;
inline constexpr uint16_t kUserDs = 0x20 | 3;
inline constexpr uint16_t kUserCs = 0x28 | 3;
inline constexpr uint16_t kTssSel = 0x30;

inline constexpr uint8_t kVecTimer = 0x20;
inline constexpr uint8_t kVecSerial = 0x30;
inline constexpr uint8_t kVecKick = 0xf0;
inline constexpr uint8_t kVecTlb = 0xf1;
inline constexpr uint8_t kVecSpurious = 0xff;

inline constexpr unsigned kMaxCpus = 16;

struct __attribute__((packed)) Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

/// Per-CPU data, reached through GS base in kernel mode. The first fields are read by assembly
/// with %gs-relative loads at fixed offsets: keep their order.
struct alignas(64) PerCpu {
    PerCpu* self;            // %gs:0
    int64_t id;              // %gs:8
    uint64_t scratch_rsp;    // %gs:16 user rsp while entering the kernel through syscall
    uint64_t kernel_rsp;     // %gs:24 kernel stack for entries from user mode (== TSS rsp0)
    uint64_t* tss_rsp0;      // %gs:32 &tss.rsp[0]
    void* current_user;      // the UserMode running on this CPU, if any
    uint64_t* shadow_pml4;   // this CPU's top-level table: kernel half + the user root's lower half
    uint64_t active_root;    // the user page-table root loaded into the shadow, or 0
    uint32_t apic_id;
    bool online;
    uint64_t gdt[8];
    Tss tss;
    void (*ipi_fn)(void*);
    void* ipi_arg;
};

extern PerCpu g_percpu[kMaxCpus];

/// The calling CPU's index from its GS-based PerCpu (valid after cpu_tables_init()).
inline int64_t this_cpu_id() {
    int64_t id;
    __asm__ volatile("movq %%gs:8, %0" : "=r"(id));
    return id;
}
extern unsigned g_num_cpus_online;

/// Loads this CPU's GDT/TSS/IDT and GS base. Call on each CPU before enabling interrupts.
void cpu_tables_init(unsigned cpu);
/// Fills the shared IDT once (BSP).
void idt_init();

extern "C" void bm_trap(TrapFrame* f);
extern "C" uint64_t bm_boot_pml4[512];

/// Programs EFER.SCE, STAR, LSTAR and FMASK for the syscall instruction (user_entry.S).
void syscall_msrs_init();

/// Prints the frame's registers and a symbolized backtrace starting at its rbp.
void dump_frame(const TrapFrame& f);

}  // namespace ostd::bm
