// Entering and leaving user mode.
// bm_user_enter(frame): saves the kernel's callee-saved registers on the task's stack, records
//   that stack position as the kernel entry stack (PerCpu.kernel_rsp and TSS rsp0), then loads
//   the TrapFrame at `frame` (user registers + iret frame), switches GS to the user's and irets
//   (or, when frame->vector is 1, returns with sysret: the fast path after a syscall).
// Any entry from user mode (interrupt, exception: trap_entry.S; syscall: bm_syscall_entry)
//   builds a TrapFrame right below that stack position and calls C++, which copies it into the
//   UserContext and calls bm_user_leave(kernel_rsp, reason): it unwinds to the saved registers
//   and returns `reason` from bm_user_enter.
#define PERCPU_SCRATCH 16
#define PERCPU_KERNEL_RSP 24
#define PERCPU_TSS_RSP0 32
#define USER_CS (0x28 | 3)
#define USER_DS (0x20 | 3)
#define VEC_SYSCALL 256

    .text
    .globl bm_user_enter
    .type bm_user_enter, @function
    .p2align 4
bm_user_enter:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq $0                          /* keeps the entry stack 16-byte aligned */
    movq %rsp, %gs:PERCPU_KERNEL_RSP
    movq %gs:PERCPU_TSS_RSP0, %rax
    movq %rsp, (%rax)
    movq %rdi, %rsp                   /* the prepared frame; interrupts are off */
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
    cmpq $1, (%rsp)                   /* frame.vector == 1: return with sysret */
    je 1f
    addq $16, %rsp                    /* vector, error */
    swapgs
    iretq
1:  movq 16(%rsp), %rcx               /* rip (the caller checked rcx == rip, r11 == rflags) */
    movq 32(%rsp), %r11               /* rflags */
    movq 40(%rsp), %rsp               /* user rsp */
    swapgs
    sysretq
    .size bm_user_enter, .-bm_user_enter

    .globl bm_user_leave
    .type bm_user_leave, @function
    .p2align 4
bm_user_leave:
    movq %rdi, %rsp
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    movq %rsi, %rax
    ret
    .size bm_user_leave, .-bm_user_leave

    .globl bm_syscall_entry
    .type bm_syscall_entry, @function
    .p2align 4
bm_syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_SCRATCH
    movq %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $USER_DS
    pushq %gs:PERCPU_SCRATCH
    pushq %r11                        /* rflags */
    pushq $USER_CS
    pushq %rcx                        /* rip after the syscall instruction */
    pushq $0
    pushq $VEC_SYSCALL
    pushq %rax
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
    callq bm_user_syscall
    ud2
    .size bm_syscall_entry, .-bm_syscall_entry
