// The default init: a scripted user program that exercises the kernel through real syscalls and
// prints what it did — the workload `make run` boots until native binaries run.
#include "demo_programs.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include <ostd-host/scripted.h>

namespace orrery::harness {
namespace {

using ostd::host::ScriptedUser;

void say(ScriptedUser& u, const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    uint64_t addr = u.push(buf, static_cast<size_t>(n));
    u.syscall(SYS_write, 1, addr, static_cast<uint64_t>(n));
}

const char* err(int64_t r) { return r < 0 ? strerror(static_cast<int>(-r)) : "ok"; }

int demo_init(ScriptedUser& u) {
    say(u, "init: hello from pid %ld (ppid %ld, uid %ld), argv[0]=%s, HOME=%s\n",
        (long)u.syscall(SYS_getpid), (long)u.syscall(SYS_getppid), (long)u.syscall(SYS_getuid),
        u.argv(0).c_str(), u.getenv("HOME").c_str());

    // Who are we running on?
    struct {
        char f[6][65];
    } uts;
    uint64_t ub = u.stack_alloc(sizeof uts);
    if (u.syscall(SYS_uname, ub) == 0) {
        u.read(ub, &uts, sizeof uts);
        say(u, "init: uname: %s %s %s %s %s\n", uts.f[0], uts.f[1], uts.f[2], uts.f[3], uts.f[4]);
    }
    uint64_t ts = u.stack_alloc(16);
    u.syscall(SYS_clock_gettime, 0 /*REALTIME*/, ts);
    uint64_t secs = u.read_u64(ts);
    uint64_t t0 = u.stack_alloc(16);
    u.syscall(SYS_clock_gettime, 1 /*MONOTONIC*/, t0);
    uint64_t nap[2] = {0, 10'000'000};
    u.syscall(SYS_nanosleep, u.push(nap, 16), 0);
    uint64_t t1 = u.stack_alloc(16);
    u.syscall(SYS_clock_gettime, 1, t1);
    double slept = double(u.read_u64(t1) - u.read_u64(t0)) * 1e3 +
                   double(int64_t(u.read_u64(t1 + 8)) - int64_t(u.read_u64(t0 + 8))) / 1e6;
    say(u, "init: realtime %lu s since the epoch; nanosleep(10 ms) took %.1f ms\n",
        (unsigned long)secs, slept);

    // Anonymous memory: mapped lazily, first touch faults a zeroed page in.
    const uint64_t len = 64 * 1024;
    int64_t map = u.syscall(SYS_mmap, 0, len, 3 /*RW*/, 0x22 /*PRIVATE|ANON*/, ~0ull, 0);
    if (map < 0) {
        say(u, "init: mmap failed: %s\n", err(map));
        return 1;
    }
    uint64_t sum = 0;
    for (uint64_t off = 0; off < len; off += 4096) u.write_u64(map + off, off);
    for (uint64_t off = 0; off < len; off += 4096) sum += u.read_u64(map + off);
    say(u, "init: mmap'd %lu KiB at %#lx, touched 16 pages, checksum %lu\n",
        (unsigned long)(len / 1024), (unsigned long)map, (unsigned long)sum);
    int64_t prot = u.syscall(SYS_mprotect, map, 4096, 1 /*R*/);
    int64_t unmap = u.syscall(SYS_munmap, map, len);
    say(u, "init: mprotect(R) %s, munmap %s\n", err(prot), err(unmap));

    // The heap.
    int64_t brk0 = u.syscall(SYS_brk, 0);
    int64_t brk1 = u.syscall(SYS_brk, brk0 + 3 * 4096 + 100);
    u.write_u64(brk1 - 8, 42);
    say(u, "init: brk grew from %#lx to %#lx, wrote %lu at the top\n", (unsigned long)brk0,
        (unsigned long)brk1, (unsigned long)u.read_u64(brk1 - 8));

    // Errors come back as Linux errnos.
    int64_t bad = u.syscall(SYS_munmap, map + 1, 4096);
    int64_t nosys = u.syscall(SYS_io_uring_setup, 1, 0);
    say(u, "init: munmap(unaligned) -> %s; io_uring_setup -> %s\n", err(bad), err(nosys));

    // Process groups and sessions.
    say(u, "init: pgid %ld, sid %ld, setsid -> %s\n", (long)u.syscall(SYS_getpgid, 0),
        (long)u.syscall(SYS_getsid, 0), err(u.syscall(SYS_setsid)));
    // fork: the child runs its own continuation and exits; the parent reaps it.
    int64_t child = u.fork([](ScriptedUser& c) {
        say(c, "child: pid %ld, parent %ld, exiting with 7\n", (long)c.syscall(SYS_getpid),
            (long)c.syscall(SYS_getppid));
        return 7;
    });
    uint64_t wstatus = u.stack_alloc(8);
    int64_t reaped = u.syscall(SYS_wait4, child, wstatus, 0, 0);
    uint32_t st = static_cast<uint32_t>(u.read_u64(wstatus));
    say(u, "init: forked pid %ld, wait4 -> %ld, exited=%d status=%d\n", (long)child,
        (long)reaped, WIFEXITED(st), WEXITSTATUS(st));

    // A signal handler, run by the kernel on a Linux rt_sigframe.
    static int handled = 0;
    uint64_t handler = u.code_address([](ScriptedUser& h) { handled = int(h.regs().rdi); });
    struct {
        uint64_t handler, flags, restorer, mask;
    } act = {handler, 0x04000000 /*SA_RESTORER*/, handler, 0};
    int64_t sa = u.syscall(SYS_rt_sigaction, SIGUSR1, u.push(&act, sizeof act), 0, 8);
    int64_t k = u.syscall(SYS_kill, u.syscall(SYS_getpid), SIGUSR1);
    say(u, "init: rt_sigaction %s, kill(self, SIGUSR1) %s, handler saw signal %d\n", err(sa),
        err(k), handled);

    say(u, "init: done, exiting with status 0\n");
    return 0;
}

}  // namespace

void register_demo_programs() { ostd::host::register_scripted_program("init", demo_init); }

}  // namespace orrery::harness
