// Native user engine, the assembly edges: entering user mode through rt_sigreturn with a built
// kernel ucontext, leaving it from a signal handler back onto the host stack, and the signal
// prologue that puts the host FS base back before any C++ code runs. Offsets: VcpuHeader and
// glibc's ucontext_t (native_cpu.h); the window bounds are ostd::kUserStart/kUserEnd.

#define UC_RIP 168              /* offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP]) */
#define HDR_HOST_FS 0
#define HDR_USER_FS 8
#define HDR_USE_FSGSBASE 16
#define HDR_IN_USER 32
#define HDR_SIZE 4096             /* the header page below the usable alternate stack */
#define ALT_STACK_SIZE 0x100000   /* kAltStackSize */
#define ALT_STACK_LOW_BITS 0xfffff
#define ALT_STACK_USABLE 0xff000  /* kAltStackSize - HDR_SIZE */
#define UC_STACK_SP 16            /* offsetof(ucontext_t, uc_stack.ss_sp) */
#define UC_STACK_SIZE 32          /* offsetof(ucontext_t, uc_stack.ss_size) */
#define SIGSYS 31
#define ALT_STACK_MASK -0x100000 /* ~(kAltStackSize - 1) */
#define SYS_RT_SIGRETURN 15
#define PREEMPT_SIGNAL 40         /* kPreemptSignal */
#define SYS_ARCH_PRCTL 158
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

    .text

// int orrery_native_enter(void* uc, uint64_t* host_rsp, uint64_t user_fs, uint64_t use_fsgsbase)
    .globl orrery_native_enter
    .type orrery_native_enter, @function
orrery_native_enter:
    .cfi_startproc
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rsi)
    test %rcx, %rcx
    jz 1f
    wrfsbase %rdx
    jmp 2f
1:  mov %rdi, %r12
    mov $SYS_ARCH_PRCTL, %eax
    mov $ARCH_SET_FS, %edi
    mov %rdx, %rsi
    syscall
    mov %r12, %rdi
    // From here on no host code may touch thread-local storage: FS is the user's.
2:  mov %rdi, %rsp
    mov $SYS_RT_SIGRETURN, %eax
    syscall
    ud2
orrery_native_enter_end:
    .cfi_endproc
    .size orrery_native_enter, . - orrery_native_enter

// [[noreturn]] void orrery_native_resume_host(uint64_t host_rsp, int kind)
    .globl orrery_native_resume_host
    .type orrery_native_resume_host, @function
orrery_native_resume_host:
    .cfi_startproc
    mov %rdi, %rsp
    mov %esi, %eax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .cfi_endproc
    .size orrery_native_resume_host, . - orrery_native_resume_host

// void orrery_native_signal(int sig, siginfo_t* info, void* uc): the sa_sigaction of every
// signal the engine handles. Interrupted rip inside the window means user code ran on a vCPU,
// so we are on that vCPU's alternate stack: its header holds the host FS base.
    .globl orrery_native_signal
    .type orrery_native_signal, @function
orrery_native_signal:
    .cfi_startproc
    mov UC_RIP(%rdx), %rax
    cmp $0x10000, %rax
    jb 6f
    cmp $0x7fff0000, %rax
    jae 6f
    mov %rsp, %rcx
    and $ALT_STACK_MASK, %rcx
    // User code was running: from here on a nested fault is the handler's, not the user's.
7:  movl $0, HDR_IN_USER(%rcx)
    cmpq $0, HDR_USE_FSGSBASE(%rcx)
    je 4f
    rdfsbase %rax
    mov %rax, HDR_USER_FS(%rcx)
    mov HDR_HOST_FS(%rcx), %rax
    wrfsbase %rax
    jmp orrery_native_signal_user
4:  push %rdi
    push %rsi
    push %rdx
    push %rcx
    mov $SYS_ARCH_PRCTL, %eax
    mov $ARCH_GET_FS, %edi
    lea HDR_USER_FS(%rcx), %rsi
    syscall
    mov (%rsp), %rcx
    mov $SYS_ARCH_PRCTL, %eax
    mov $ARCH_SET_FS, %edi
    mov HDR_HOST_FS(%rcx), %rsi
    syscall
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    jmp orrery_native_signal_user

    // rip outside the window. A preemption tick is simply dropped, here in assembly: it may
    // have landed in orrery_native_enter after the user's FS base was loaded, where C++
    // (stack-protector canaries and sanitizers read FS) must not run.
6:  cmp $PREEMPT_SIGNAL, %edi
    je 5f
    cmp $SIGSYS, %edi
    je 3f
    // A fault outside the window is still the user's if user code jumped out of the window
    // (say, through a null function pointer): this thread's registered alternate stack is a
    // vCPU's (uc_stack names it, we run on it) and its header says user code is running.
    mov UC_STACK_SP(%rdx), %rcx
    sub $HDR_SIZE, %rcx
    test $ALT_STACK_LOW_BITS, %rcx
    jnz 3f
    cmpq $ALT_STACK_USABLE, UC_STACK_SIZE(%rdx)
    jne 3f
    mov %rsp, %rax
    sub %rcx, %rax
    cmp $ALT_STACK_SIZE, %rax
    jae 3f
    cmpl $1, HDR_IN_USER(%rcx)
    jne 3f
    // ... but not the entry trampoline itself (a failed rt_sigreturn is a host bug).
    mov UC_RIP(%rdx), %rax
    lea orrery_native_enter(%rip), %r8
    cmp %r8, %rax
    jb 7b
    lea orrery_native_enter_end(%rip), %r8
    cmp %r8, %rax
    jb 3f
    jmp 7b
3:  jmp orrery_native_signal_host
5:  ret
    .cfi_endproc
    .size orrery_native_signal, . - orrery_native_signal

    .globl orrery_native_restorer
    .type orrery_native_restorer, @function
orrery_native_restorer:
    mov $SYS_RT_SIGRETURN, %eax
    syscall
    ud2
    .size orrery_native_restorer, . - orrery_native_restorer

    .globl orrery_native_read_cs
    .type orrery_native_read_cs, @function
orrery_native_read_cs:
    xor %eax, %eax
    mov %cs, %ax
    ret
    .size orrery_native_read_cs, . - orrery_native_read_cs

    .globl orrery_native_read_ss
    .type orrery_native_read_ss, @function
orrery_native_read_ss:
    xor %eax, %eax
    mov %ss, %ax
    ret
    .size orrery_native_read_ss, . - orrery_native_read_ss

    .section .note.GNU-stack, "", @progbits
