// Descriptor tables (per-CPU GDT+TSS, one shared IDT) and the C++ side of interrupt entry:
// device interrupts go to their handlers; a CPU exception in kernel mode is a bug and panics with
// the registers, the faulting symbol and a backtrace (then QEMU exits through isa-debug-exit).
#include "trap.h"

#include <ostd/common/panic.h>

#include "apic.h"
#include "kstack.h"
#include "serial.h"
#include "symbols.h"
#include "user_entry.h"
#include "x86.h"

namespace ostd::bm {

PerCpu g_percpu[kMaxCpus];
unsigned g_num_cpus_online = 0;

namespace {

struct __attribute__((packed)) IdtEntry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
};
static_assert(sizeof(IdtEntry) == 16);

struct __attribute__((packed)) TablePtr {
    uint16_t limit;
    uint64_t base;
};

IdtEntry g_idt[256];
alignas(4096) uint64_t g_shadow_pml4[kMaxCpus][512];
constexpr size_t kIstSize = 16384;
alignas(16) unsigned char g_df_stacks[kMaxCpus][kIstSize];
alignas(16) unsigned char g_nmi_stacks[kMaxCpus][kIstSize];

const char* const kExceptionNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
    "#GP general protection", "#PF page fault", "reserved", "#MF x87 error",
    "#AC alignment check", "#MC machine check", "#XM SIMD error", "#VE virtualization",
    "#CP control protection", "reserved", "reserved", "reserved", "reserved", "reserved",
    "reserved", "#HV", "#VC", "#SX security", "reserved"};

}  // namespace

extern "C" const uint64_t bm_isr_table[256];

void idt_init() {
    for (unsigned v = 0; v < 256; ++v) {
        uint64_t a = bm_isr_table[v];
        IdtEntry& e = g_idt[v];
        e.off_lo = static_cast<uint16_t>(a);
        e.sel = kKernelCs;
        e.ist = v == 8 ? 1 : (v == 2 ? 2 : 0);
        // Present 64-bit interrupt gates (IF cleared on entry); int3/into may come from user code.
        e.type = (v == 3 || v == 4) ? 0xEE : 0x8E;
        e.off_mid = static_cast<uint16_t>(a >> 16);
        e.off_hi = static_cast<uint32_t>(a >> 32);
        e.zero = 0;
    }
}

void cpu_tables_init(unsigned cpu) {
    PerCpu& pc = g_percpu[cpu];
    pc.self = &pc;
    pc.id = cpu;
    pc.tss.ist[0] = reinterpret_cast<uint64_t>(&g_df_stacks[cpu][kIstSize]);
    pc.tss.ist[1] = reinterpret_cast<uint64_t>(&g_nmi_stacks[cpu][kIstSize]);
    pc.tss.iomap_base = sizeof(Tss);
    pc.gdt[0] = 0;
    pc.gdt[1] = 0x00af9a000000ffff;  // 0x08 kernel code 64
    pc.gdt[2] = 0x00cf92000000ffff;  // 0x10 kernel data
    pc.gdt[3] = 0x00cffa000000ffff;  // 0x18 user code 32 (placeholder for sysret's layout)
    pc.gdt[4] = 0x00cff2000000ffff;  // 0x20 user data
    pc.gdt[5] = 0x00affa000000ffff;  // 0x28 user code 64
    uint64_t t = reinterpret_cast<uint64_t>(&pc.tss);
    uint64_t limit = sizeof(Tss) - 1;
    pc.gdt[6] = (limit & 0xffff) | ((t & 0xffffff) << 16) | (uint64_t{0x89} << 40) |
                (((limit >> 16) & 0xf) << 48) | (((t >> 24) & 0xff) << 56);
    pc.gdt[7] = t >> 32;
    TablePtr gp{sizeof(pc.gdt) - 1, reinterpret_cast<uint64_t>(pc.gdt)};
    TablePtr ip{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
    __asm__ volatile(
        "lgdt %0\n"
        "pushq $0x08\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1: movw $0x10, %%ax\n"
        "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%ss\n"
        "xorw %%ax, %%ax\n movw %%ax, %%fs\n movw %%ax, %%gs\n"
        "ltr %w1\n"
        "lidt %2\n"
        :
        : "m"(gp), "r"(kTssSel), "m"(ip)
        : "rax", "memory");
    wrmsr(0xC0000101, reinterpret_cast<uint64_t>(&pc));  // IA32_GS_BASE
    wrmsr(0xC0000102, 0);                                // IA32_KERNEL_GS_BASE (user's)
    pc.tss_rsp0 = &pc.tss.rsp[0];

    // From now on this CPU runs on its own top-level table: the kernel half of the boot tables
    // and, while user code runs, the lower half of that user space's root. Then global pages on
    // (toggling PGE also drops every TLB entry of the boot identity map).
    pc.shadow_pml4 = g_shadow_pml4[cpu];
    for (unsigned i = 256; i < 512; ++i) pc.shadow_pml4[i] = bm_boot_pml4[i];
    write_cr3(reinterpret_cast<uint64_t>(pc.shadow_pml4) - kKernelVma);
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1u << 7) | (1u << 9) | (1u << 10);  // PGE, OSFXSR, OSXMMEXCPT (user SSE)
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
    uint64_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 | (1u << 1)) & ~uint64_t{(1u << 2) | (1u << 3)};  // MP on, EM and TS off
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
    syscall_msrs_init();
}

void dump_frame(const TrapFrame& f) {
    char sym[160];
    symbolize(f.rip, sym, sizeof sym);
    serial_printf("  rip %016lx  %s\n", f.rip, sym);
    serial_printf("  rsp %016lx  rflags %08lx  cs %02lx  ss %02lx  error %#lx\n", f.rsp, f.rflags,
                  f.cs, f.ss, f.error);
    serial_printf("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", f.rax, f.rbx, f.rcx,
                  f.rdx);
    serial_printf("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", f.rsi, f.rdi, f.rbp,
                  f.r8);
    serial_printf("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", f.r9, f.r10, f.r11,
                  f.r12);
    serial_printf("  r13 %016lx  r14 %016lx  r15 %016lx  cr2 %016lx  cr3 %016lx\n", f.r13,
                  f.r14, f.r15, read_cr2(), read_cr3());
    serial_printf("  backtrace (from the faulting frame):\n");
    print_backtrace_from(f.rbp);
}

extern "C" void bm_trap(TrapFrame* f) {
    uint64_t v = f->vector;
    if (v < 32) {
        if ((f->cs & 3) == 3 && user_exception(*f)) return;
        const char* kind = kExceptionNames[v];
        serial_printf("\n*** kernel CPU exception %lu: %s on CPU %ld", v, kind, this_cpu_id());
        if (v == 14) {
            uint64_t cr2 = read_cr2();
            serial_printf(" at address %#lx (%s, %s, %s)", cr2,
                          (f->error & 1) ? "protection violation" : "page not present",
                          (f->error & 2) ? "write" : ((f->error & 16) ? "instruction fetch"
                                                                      : "read"),
                          (f->error & 4) ? "user" : "kernel");
        }
        if (v == 8 && kstack_is_guard(f->rsp - 8))
            serial_printf(" -- kernel stack overflow (rsp %#lx is in a stack guard page)", f->rsp);
        serial_printf("\n");
        dump_frame(*f);
        char sym[160];
        symbolize(f->rip, sym, sizeof sym);
        panic("kernel CPU exception %s at %s", kind, sym);
    }
    switch (v) {
        case kVecTimer:
            timer_irq();
            break;
        case kVecKick:
            break;
        case kVecSerial:
            serial_poll_input();
            break;
        case kVecTlb:
            tlb_ipi();
            break;
        case kVecSpurious:
            return;  // no EOI for spurious interrupts
        default:
            if (v >= 0x20 && v < 0x30) return;  // legacy PIC (masked) spurious: ignore
            serial_printf("unexpected interrupt vector %lu\n", v);
            break;
    }
    lapic_eoi();
    if ((f->cs & 3) == 3) user_interrupted(*f);
}

}  // namespace ostd::bm
