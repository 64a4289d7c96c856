// Application-processor start-up code. smp.cpp copies [bm_ap_tramp_start, bm_ap_tramp_end) to
// physical 0x8000 and sends INIT/STARTUP IPIs: the AP starts here in real mode, goes through
// protected mode to long mode on the boot page tables (whose identity map covers this page) and
// jumps to bm_ap_main(cpu) on its own stack. The last four quadwords are filled by the BSP:
// CR3, stack top, entry, CPU index.
#define TRAMP 0x8000
#define T(x) (TRAMP + (x) - bm_ap_tramp_start)

    .section .rodata
    .p2align 12
    .globl bm_ap_tramp_start
bm_ap_tramp_start:
    .code16
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl T(tramp_gdt_ptr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $T(tramp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $(1 << 5), %eax                /* PAE */
    movl %eax, %cr4
    movl T(tramp_cr3), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax  /* LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16)), %eax /* PG, WP */
    movl %eax, %cr0
    ljmpl $0x18, $T(tramp64)

    .code64
tramp64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq T(tramp_stack), %rsp
    movq T(tramp_cpu), %rdi
    movq T(tramp_entry), %rax
    xorl %ebp, %ebp
    jmpq *%rax

    .p2align 3
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff           /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff           /* 0x10: data */
    .quad 0x00af9a000000ffff           /* 0x18: 64-bit code */
tramp_gdt_ptr:
    .word 31
    .long T(tramp_gdt)
    .p2align 3
tramp_cr3:
    .quad 0
tramp_stack:
    .quad 0
tramp_entry:
    .quad 0
tramp_cpu:
    .quad 0
    .globl bm_ap_tramp_end
bm_ap_tramp_end:
