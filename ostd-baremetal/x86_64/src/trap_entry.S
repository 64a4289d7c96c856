// Interrupt and exception entry stubs: each pushes a dummy error code where the CPU pushes none,
// then its vector, saves every general-purpose register into a TrapFrame (see trap.h) and calls
// bm_trap(frame). Entries from user mode switch GS to the kernel's per-CPU base (swapgs).
    .text

    .macro STUB vec, has_error
    .p2align 4
bm_isr_\vec:
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vec
    jmp bm_trap_common
    .endm

    .altmacro
    .macro STUB_FOR vec
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    STUB \vec, 1
    .else
    STUB \vec, 0
    .endif
    .endm

    .set i, 0
    .rept 256
    STUB_FOR %i
    .set i, i + 1
    .endr

    .p2align 4
    .globl bm_trap_common
bm_trap_common:
    testb $3, 24(%rsp)          /* saved CS: from user mode? */
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    callq bm_trap
    .globl bm_trap_return
bm_trap_return:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:  addq $16, %rsp
    iretq

    .section .rodata
    .p2align 3
    .globl bm_isr_table
bm_isr_table:
    .macro ENTRY_FOR vec
    .quad bm_isr_\vec
    .endm
    .set i, 0
    .rept 256
    ENTRY_FOR %i
    .set i, i + 1
    .endr
