// Boot entry: a multiboot(1) header with the address fields ("a.out kludge", so QEMU -kernel
// loads this 64-bit ELF as a flat image), 32-bit protected-mode entry, boot page tables, long mode,
// and the jump to the higher-half kernel at bm_kmain(multiboot magic, multiboot info paddr).
#define KERNEL_VMA 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VMA)

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003  /* page-aligned modules, memory map, address fields */

    .section .multiboot, "a"
    .p2align 2
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(multiboot_header)   /* header_addr */
    .long PHYS(__image_start)      /* load_addr */
    .long PHYS(__load_end)         /* load_end_addr */
    .long PHYS(__bss_end)          /* bss_end_addr */
    .long PHYS(bm_start32)         /* entry_addr */

    .section .boot.text, "ax"
    .code32
    .globl bm_start32
bm_start32:
    cli
    cld
    movl %eax, %edi                 /* multiboot magic */
    movl %ebx, %esi                 /* multiboot info (physical) */
    movl $PHYS(bm_boot_stack_top), %esp

    /* Boot page tables: 4 GiB of 2 MiB pages identity-mapped (PML4[0]), at the direct map
     * (PML4[256], 0xffff800000000000) and the first 2 GiB at -2 GiB for the kernel image. */
    movl $PHYS(bm_boot_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x183, %eax                /* present, writable, 2 MiB, global (once CR4.PGE is on) */
    movl %eax, (%ebx,%ecx,8)
    movl %ecx, %eax
    shrl $11, %eax                  /* high bits of the physical address (4 GiB+) */
    movl %eax, 4(%ebx,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b

    movl $PHYS(bm_boot_pdpt_low), %ebx
    movl $PHYS(bm_boot_pd), %eax
    orl $3, %eax
    movl %eax, 0(%ebx)
    addl $0x1000, %eax
    movl %eax, 8(%ebx)
    addl $0x1000, %eax
    movl %eax, 16(%ebx)
    addl $0x1000, %eax
    movl %eax, 24(%ebx)

    movl $PHYS(bm_boot_pdpt_high), %ebx
    movl $PHYS(bm_boot_pd), %eax
    orl $3, %eax
    movl %eax, 510*8(%ebx)
    addl $0x1000, %eax
    movl %eax, 511*8(%ebx)

    movl $PHYS(bm_boot_pml4), %ebx
    movl $PHYS(bm_boot_pdpt_low), %eax
    orl $3, %eax
    movl %eax, 0(%ebx)
    movl %eax, 256*8(%ebx)
    movl $PHYS(bm_boot_pdpt_high), %eax
    orl $3, %eax
    movl %eax, 511*8(%ebx)

    movl %cr4, %eax
    orl $(1 << 5), %eax             /* PAE */
    movl %eax, %cr4
    movl %ebx, %cr3
    movl $0xC0000080, %ecx          /* EFER */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax  /* LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
    movl %eax, %cr0

    lgdt PHYS(bm_boot_gdt_ptr)
    ljmp $0x08, $PHYS(bm_start64_low)

    .code64
bm_start64_low:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $bm_start64, %rax
    jmpq *%rax

    .section .boot.data, "aw"
    .p2align 3
bm_boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit kernel code */
    .quad 0x00cf92000000ffff        /* 0x10: kernel data */
bm_boot_gdt_end:
bm_boot_gdt_ptr:
    .word bm_boot_gdt_end - bm_boot_gdt - 1
    .long PHYS(bm_boot_gdt)

    .text
    .globl bm_start64
bm_start64:
    movabsq $bm_boot_stack_top, %rsp
    xorl %ebp, %ebp
    /* edi = magic, esi = info paddr (zero-extended by the 32-bit moves above). */
    callq bm_kmain
2:  cli
    hlt
    jmp 2b

    .section .bss
    .p2align 12
    .globl bm_boot_pml4
bm_boot_pml4:
    .skip 4096
bm_boot_pdpt_low:
    .skip 4096
bm_boot_pdpt_high:
    .skip 4096
    .globl bm_boot_pd
bm_boot_pd:
    .skip 4096 * 4
    .globl bm_boot_stack_bottom
bm_boot_stack_bottom:
    .skip 65536
    .globl bm_boot_stack_top
bm_boot_stack_top:
