// The host sandbox's allow-list (libseccomp). Each entry is a syscall the backend, libc,
// libstdc++ threads or the sanitizer runtimes make while a machine runs; what reaches outside
// this process (open, socket, execve, fork, ptrace, kill of others) is absent.
#include <ostd-host/sandbox.h>

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <unistd.h>

#include <cerrno>

#if defined(ORRERY_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

namespace ostd::host {
namespace {

// Syscalls allowed whatever their arguments: memory, time, threads' own state, signals to
// this process's own threads go through tgkill below, I/O on descriptors already open.
constexpr int kAllowed[] = {
    // I/O on open descriptors (console, RAM memfd, self-pipes).
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
    SCMP_SYS(pwrite64), SCMP_SYS(close), SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
    SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(pipe2), SCMP_SYS(poll),
    SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6), SCMP_SYS(ftruncate),
    SCMP_SYS(fallocate), SCMP_SYS(memfd_create),
    // Memory.
    SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(madvise),
    SCMP_SYS(msync), SCMP_SYS(mincore), SCMP_SYS(brk), SCMP_SYS(membarrier),
    // Threads, scheduling and synchronisation.
    SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
    SCMP_SYS(set_tid_address), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_setaffinity), SCMP_SYS(getcpu), SCMP_SYS(exit), SCMP_SYS(exit_group),
    SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(arch_prctl),
    SCMP_SYS(prctl),    // Syscall User Dispatch, thread names, no_new_privs.
    SCMP_SYS(seccomp),  // The native engine's per-vCPU trap filter (only adds restrictions).
    // Signals (the trap, preemption, faults as page faults).
    SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigsuspend), SCMP_SYS(rt_sigpending),
    SCMP_SYS(rt_sigtimedwait), SCMP_SYS(restart_syscall),
    // Time.
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
    SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(getrusage),
    SCMP_SYS(times),
    // Identity and limits of this process (the sanitizer runtimes ask).
    SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(uname),
    SCMP_SYS(getrlimit), SCMP_SYS(getrandom), SCMP_SYS(sysinfo),
};

// SCMP_A0 without its missing-initializer warning.
scmp_arg_cmp arg0(scmp_compare op, scmp_datum_t a, scmp_datum_t b = 0) { return {0, op, a, b}; }

Error seccomp_error(int rc) { return Error(rc < 0 ? -rc : EINVAL, "libseccomp"); }

}  // namespace

Result<void> enter_sandbox() {
#if defined(ORRERY_ASAN)
    // LeakSanitizer's exit-time check stops the world with clone + ptrace, which the filter
    // refuses: run it now (nothing of the machine exists yet) and skip it at exit.
    __lsan_do_leak_check();
#endif
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (!ctx) return Error(ENOMEM, "seccomp_init");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    for (int nr : kAllowed)
        if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    const auto pid = static_cast<scmp_datum_t>(getpid());
    // New threads only: no host processes (fork, vfork, clone without CLONE_THREAD).
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                              arg0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    // clone3's flags sit in memory the filter cannot read: make libc fall back to clone.
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    // Signals to this process's own threads only.
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                              arg0(SCMP_CMP_EQ, pid));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, arg0(SCMP_CMP_EQ, pid));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_tgsigqueueinfo), 1,
                              arg0(SCMP_CMP_EQ, pid));
    // Terminal control of the console (raw mode, window size) on stdin/stdout/stderr only.
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, arg0(SCMP_CMP_LE, 2));
    // Limits of this process only.
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1,
                              arg0(SCMP_CMP_EQ, 0));
    if (rc == 0) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) return seccomp_error(rc);
    return ok();
}

}  // namespace ostd::host
