// Differential: futex errno paths and timeouts in one process, and wake-ups across a fork
// through MAP_SHARED memory (shared futexes). Skipped until Orrery has futex.
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kAny = static_cast<uint64_t>(-1);
constexpr uint64_t kPriv = FUTEX_PRIVATE_FLAG;

int64_t futex(Sys& sys, uint64_t addr, uint64_t op, uint64_t val, uint64_t timeout = 0,
              uint64_t addr2 = 0, uint64_t val3 = 0) {
    return sys.call(SYS_futex, addr, op, val, timeout, addr2, val3);
}

uint64_t timespec_ns(Sys& sys, uint64_t sec, uint64_t nsec) {
    uint64_t ts = sys.scratch(16);
    sys.put_u64(ts, sec);
    sys.put_u64(ts + 8, nsec);
    return ts;
}

}  // namespace

DIFFTEST(Futex, ErrnosWithoutWaiters, SYS_futex) {
    uint64_t w = sys.scratch(16);
    sys.put_u32(w, 5);
    sys.ret("WAIT value mismatch", futex(sys, w, FUTEX_WAIT | kPriv, 4));
    sys.ret("WAKE nobody", futex(sys, w, FUTEX_WAKE | kPriv, 1));
    sys.ret("shared WAKE EFAULT", futex(sys, kBadPtr, FUTEX_WAKE, 1));
    sys.ret("WAIT EFAULT", futex(sys, kBadPtr, FUTEX_WAIT | kPriv, 0));
    sys.ret("WAIT unaligned", futex(sys, w + 1, FUTEX_WAIT | kPriv, 5));
    sys.ret("bad op", futex(sys, w, 99, 0));
    sys.ret("WAIT_BITSET bitset 0", futex(sys, w, FUTEX_WAIT_BITSET | kPriv, 5, 0, 0, 0));
    sys.ret("WAKE_BITSET bitset 0", futex(sys, w, FUTEX_WAKE_BITSET | kPriv, 1, 0, 0, 0));
    sys.ret("WAKE_BITSET nobody", futex(sys, w, FUTEX_WAKE_BITSET | kPriv, 1, 0, 0, kAny));
    sys.ret("CMP_REQUEUE mismatch",
            futex(sys, w, FUTEX_CMP_REQUEUE | kPriv, 1, 1, w + 4, 4));
    sys.ret("CMP_REQUEUE nobody", futex(sys, w, FUTEX_CMP_REQUEUE | kPriv, 1, 1, w + 4, 5));
    sys.ret("REQUEUE nobody", futex(sys, w, FUTEX_REQUEUE | kPriv, 1, 1, w + 4));
    sys.ret("CMP_REQUEUE negative count",
            futex(sys, w, FUTEX_CMP_REQUEUE | kPriv, static_cast<uint64_t>(-1), 1, w + 4, 5));
    sys.ret("WAIT bad timeout", futex(sys, w, FUTEX_WAIT | kPriv, 5,
                                      timespec_ns(sys, 0, 1000000000)));
    sys.ret("WAIT timeout EFAULT", futex(sys, w, FUTEX_WAIT | kPriv, 5, kBadPtr));
    return 0;
}

DIFFTEST(Futex, Timeouts, SYS_futex, SYS_clock_gettime) {
    uint64_t w = sys.scratch(16);
    uint64_t now = sys.scratch(16), after = sys.scratch(16);
    sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, now);
    sys.ret("WAIT 10ms relative", futex(sys, w, FUTEX_WAIT | kPriv, 0,
                                        timespec_ns(sys, 0, 10000000)));
    // WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline: 30 ms after `now`.
    uint64_t deadline = timespec_ns(sys, sys.get_u64(now), sys.get_u64(now + 8) + 30000000);
    if (sys.get_u64(deadline + 8) >= 1000000000) {
        sys.put_u64(deadline, sys.get_u64(deadline) + 1);
        sys.put_u64(deadline + 8, sys.get_u64(deadline + 8) - 1000000000);
    }
    sys.ret("WAIT_BITSET absolute", futex(sys, w, FUTEX_WAIT_BITSET | kPriv, 0, deadline, 0, kAny));
    sys.ret("WAIT_BITSET past deadline",
            futex(sys, w, FUTEX_WAIT_BITSET | kPriv, 0, timespec_ns(sys, 0, 0), 0, kAny));
    sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, after);
    int64_t waited = static_cast<int64_t>(sys.get_u64(after) - sys.get_u64(now)) * 1000000000 +
                     static_cast<int64_t>(sys.get_u64(after + 8)) -
                     static_cast<int64_t>(sys.get_u64(now + 8));
    sys.ret("waited >= 30ms", waited >= 30000000);
    return 0;
}

// Shared futexes: a child waits on a word in MAP_SHARED memory, the parent wakes it.
DIFFTEST(Futex, WakeAcrossFork, SYS_futex, SYS_fork, SYS_wait4, SYS_nanosleep) {
    uint64_t page = static_cast<uint64_t>(sys.call(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
                                                   MAP_SHARED | MAP_ANONYMOUS, kAny, 0));
    uint64_t word = page, waiting = page + 8;
    uint64_t st = sys.scratch(8);
    int64_t child = sys.fork([=](Sys& c) {
        c.put_u64(waiting, 1);
        while (c.get_u32(word) == 0) futex(c, word, FUTEX_WAIT, 0);  // Shared: no PRIVATE.
        return static_cast<int>(c.get_u32(word));
    });
    uint64_t ts = sys.scratch(16);
    sys.put_u64(ts + 8, 1000000);
    while (sys.get_u64(waiting) == 0) sys.call(SYS_nanosleep, ts, 0);
    sys.put_u32(word, 7);
    int64_t woken = 0;
    // The child may not be asleep yet: wake until it has exited.
    while (sys.call(SYS_wait4, static_cast<uint64_t>(child), st, 1 /* WNOHANG */, 0) == 0) {
        woken += futex(sys, word, FUTEX_WAKE, 1);
        sys.call(SYS_nanosleep, ts, 0);
    }
    sys.ret("woken at most once", woken <= 1);
    sys.ret("child status", sys.get_u32(st));
    sys.ret("private wake finds nobody", futex(sys, word, FUTEX_WAKE | kPriv, 1));
    return 0;
}
