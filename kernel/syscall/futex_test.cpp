// futex(2) from scripted programs: every errno path, timeouts, bitsets, requeue, wake_op, shared
// futexes across fork, and a ping-pong between threads on several vCPUs.
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "run_program.h"
#include "scripted_memory.h"
#include <kernel/signal/signal_test_util.inc>

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using orrery::testing::map_rw;
using orrery::testing::read_u32;
using orrery::testing::write_u32;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                  CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID |
                                  CLONE_CHILD_SETTID;
constexpr int kWaitP = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;
constexpr int kWakeP = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;

uint64_t push_timespec(ScriptedUser& u, int64_t sec, int64_t nsec) {
    int64_t ts[2] = {sec, nsec};
    return u.push(ts, sizeof ts);
}

// The kernel's clock (clock_gettime through the real dispatch path).
uint64_t clock_ns(ScriptedUser& u, clockid_t clock) {
    uint64_t ts = u.stack_alloc(16);
    EXPECT_EQ(u.syscall(SYS_clock_gettime, clock, ts), 0);
    return u.read_u64(ts) * 1000000000ull + u.read_u64(ts + 8);
}
uint64_t push_deadline(ScriptedUser& u, uint64_t ns) {
    return push_timespec(u, static_cast<int64_t>(ns / 1000000000ull),
                         static_cast<int64_t>(ns % 1000000000ull));
}

// A thread running fn on its own 64 KiB stack; join() waits for it through CLEARTID.
struct ScriptedThread {
    uint64_t ctid = 0;
    int64_t tid = 0;
};
ScriptedThread spawn(ScriptedUser& u, uint64_t scratch, std::function<void(ScriptedUser&)> fn) {
    int64_t stack = map_rw(u, 65536);
    ScriptedThread t;
    t.ctid = scratch;
    t.tid = u.clone(kThreadFlags, stack + 65536, 0, t.ctid, 0, [fn](ScriptedUser& c) {
        fn(c);
        return 0;
    });
    EXPECT_GT(t.tid, 0);
    return t;
}
void join(ScriptedUser& u, const ScriptedThread& t) {
    for (uint32_t v; (v = read_u32(u, t.ctid)) != 0;)
        u.syscall(SYS_futex, t.ctid, FUTEX_WAIT, v, 0, 0, 0);
}

// Sleeps about ms milliseconds in the kernel (a futex wait that times out).
void nap(ScriptedUser& u, int ms) {
    uint64_t word = u.stack_alloc(8);
    uint64_t ts = push_timespec(u, 0, ms * 1000000ll);
    EXPECT_EQ(u.syscall(SYS_futex, word, kWaitP, 0, ts, 0, 0), -ETIMEDOUT);
}

TEST(FutexSyscalls, ErrorPaths) {
    int status = run_program("futex_errors", [](ScriptedUser& u) {
        uint64_t w = u.stack_alloc(16);
        write_u32(u, w, 5);
        EXPECT_EQ(u.syscall(SYS_futex, w + 1, kWaitP, 5, 0, 0, 0), -EINVAL);  // Unaligned.
        EXPECT_EQ(u.syscall(SYS_futex, kBadPtr, kWaitP, 5, 0, 0, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_futex, 0x30000000, FUTEX_WAIT, 5, 0, 0, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 6, 0, 0, 0), -EAGAIN);  // Value changed.
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 5, kBadPtr, 0, 0), -EFAULT);  // Timeout ptr.
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 5, push_timespec(u, 0, 1000000000), 0, 0),
                  -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 5, push_timespec(u, -1, 0), 0, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE, 5, 0, 0, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, 0, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP | FUTEX_CLOCK_REALTIME, 5, 0, 0, 0), -ENOSYS);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_LOCK_PI, 0, 0, 0, 0), -ENOSYS);
        EXPECT_EQ(u.syscall(SYS_futex, w, 99, 0, 0, 0, 0), -ENOSYS);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_CMP_REQUEUE_PRIVATE, -1, 1, w + 4, 5), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, w + 4, 4), -EAGAIN);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, w + 2, 5), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAKE_OP_PRIVATE, 1, 1, kBadPtr, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAKE_OP_PRIVATE, 1, 1, w + 4, 0x7 << 28),
                  -ENOSYS);  // Unknown operation.
        EXPECT_EQ(u.syscall(SYS_futex, w, kWakeP, 1, 0, 0, 0), 0);  // Nobody waits.
        // A private key is (mm, address): waking an unmapped private word finds nobody, as in
        // Linux; a shared key needs the page, so that is EFAULT.
        EXPECT_EQ(u.syscall(SYS_futex, kBadPtr, kWakeP, 1, 0, 0, 0), 0);
        EXPECT_EQ(u.syscall(SYS_futex, kBadPtr, FUTEX_WAKE, 1, 0, 0, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_futex, 0x7ffffff0, kWakeP, 1, 0, 0, 0), -EFAULT);  // Past TASK_SIZE.
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, RelativeAndAbsoluteTimeouts) {
    int status = run_program("futex_timeouts", [](ScriptedUser& u) {
        uint64_t w = u.stack_alloc(8);
        uint64_t t0 = clock_ns(u, CLOCK_MONOTONIC);
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 0, push_timespec(u, 0, 30000000), 0, 0),
                  -ETIMEDOUT);
        EXPECT_GE(clock_ns(u, CLOCK_MONOTONIC) - t0, 30000000u);
        EXPECT_EQ(u.syscall(SYS_futex, w, kWaitP, 0, push_timespec(u, 0, 0), 0, 0), -ETIMEDOUT);
        // WAIT_BITSET takes an absolute deadline: CLOCK_MONOTONIC, or CLOCK_REALTIME with the
        // flag. One in the past expires at once; one 30 ms ahead waits that long.
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE, 0, push_timespec(u, 0, 1),
                            0, FUTEX_BITSET_MATCH_ANY),
                  -ETIMEDOUT);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0,
                            push_timespec(u, 0, 1), 0, FUTEX_BITSET_MATCH_ANY),
                  -ETIMEDOUT);
        t0 = clock_ns(u, CLOCK_MONOTONIC);
        uint64_t at = push_deadline(u, t0 + 30000000);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE, 0, at, 0,
                            FUTEX_BITSET_MATCH_ANY),
                  -ETIMEDOUT);
        EXPECT_GE(clock_ns(u, CLOCK_MONOTONIC) - t0, 30000000u);
        uint64_t rt = clock_ns(u, CLOCK_REALTIME);
        t0 = clock_ns(u, CLOCK_MONOTONIC);
        at = push_deadline(u, rt + 30000000);
        EXPECT_EQ(u.syscall(SYS_futex, w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0,
                            at, 0, FUTEX_BITSET_MATCH_ANY),
                  -ETIMEDOUT);
        uint64_t waited = clock_ns(u, CLOCK_MONOTONIC) - t0;
        EXPECT_GE(waited, 25000000u);
        EXPECT_LT(waited, 5000000000u);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, WakeBitsetsSelectWaiters) {
    int status = run_program("futex_bitset", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 4096);
        uint64_t word = mem, woke = mem + 64;
        ScriptedThread t[2];
        for (int i = 0; i < 2; ++i) {
            t[i] = spawn(u, mem + 128 + 8 * i, [=](ScriptedUser& c) {
                EXPECT_EQ(c.syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, 0, 1u << i),
                          0);
                c.write_u64(woke + 8 * i, 1);
            });
        }
        nap(u, 30);  // Both are asleep now.
        EXPECT_EQ(u.syscall(SYS_futex, word, FUTEX_WAKE_BITSET_PRIVATE, 2, 0, 0, 4), 0);
        EXPECT_EQ(u.syscall(SYS_futex, word, FUTEX_WAKE_BITSET_PRIVATE, 2, 0, 0, 2), 1);
        join(u, t[1]);
        EXPECT_EQ(u.read_u64(woke + 8), 1u);
        EXPECT_EQ(u.read_u64(woke), 0u);
        EXPECT_EQ(u.syscall(SYS_futex, word, kWakeP, 0, 0, 0, 0), 1);  // 0 still wakes one.
        join(u, t[0]);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, CmpRequeueMovesWaitersToTheSecondWord) {
    int status = run_program("futex_requeue", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 4096);
        uint64_t a = mem, b = mem + 4;
        write_u32(u, a, 1);
        ScriptedThread t[3];
        for (int i = 0; i < 3; ++i)
            t[i] = spawn(u, mem + 128 + 8 * i, [=](ScriptedUser& c) {
                EXPECT_EQ(c.syscall(SYS_futex, a, kWaitP, 1, 0, 0, 0), 0);
            });
        nap(u, 30);
        EXPECT_EQ(u.syscall(SYS_futex, a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, b, 0), -EAGAIN);
        EXPECT_EQ(u.syscall(SYS_futex, a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, b, 1), 3);
        EXPECT_EQ(u.syscall(SYS_futex, a, kWakeP, 10, 0, 0, 0), 0);  // Nobody left on a.
        EXPECT_EQ(u.syscall(SYS_futex, b, FUTEX_REQUEUE_PRIVATE, 0, 1, a, 0), 1);
        EXPECT_EQ(u.syscall(SYS_futex, b, kWakeP, 10, 0, 0, 0), 1);
        EXPECT_EQ(u.syscall(SYS_futex, a, kWakeP, 10, 0, 0, 0), 1);
        for (auto& th : t) join(u, th);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, WakeOpUpdatesTheSecondWordAndComparesItsOldValue) {
    int status = run_program("futex_wake_op", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 4096);
        uint64_t a = mem, b = mem + 4;
        write_u32(u, b, 5);
        ScriptedThread t = spawn(u, mem + 128, [=](ScriptedUser& c) {
            EXPECT_EQ(c.syscall(SYS_futex, b, kWaitP, 5, 0, 0, 0), 0);
        });
        nap(u, 30);
        // op: b += 3; wake b's waiters if old b == 5.
        uint32_t op = FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5);
        EXPECT_EQ(u.syscall(SYS_futex, a, FUTEX_WAKE_OP_PRIVATE, 1, 1, b, op), 1);
        EXPECT_EQ(read_u32(u, b), 8u);
        join(u, t);
        op = FUTEX_OP(FUTEX_OP_OR, 4, FUTEX_OP_CMP_GT, 100);  // Shift-free OR; cmp fails.
        EXPECT_EQ(u.syscall(SYS_futex, a, FUTEX_WAKE_OP_PRIVATE, 1, 1, b, op), 0);
        EXPECT_EQ(read_u32(u, b), 12u);
        op = FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_NE, 0);
        EXPECT_EQ(u.syscall(SYS_futex, a, FUTEX_WAKE_OP_PRIVATE, 1, 1, b, op), 0);
        EXPECT_EQ(read_u32(u, b), 16u);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, SharedFutexWorksAcrossFork) {
    int status = run_program("futex_shared", [](ScriptedUser& u) {
        int64_t shm = map_rw(u, 4096, MAP_SHARED | MAP_ANONYMOUS);
        int64_t pid = u.fork([shm](ScriptedUser& c) {
            while (read_u32(c, shm) == 0) c.syscall(SYS_futex, shm, FUTEX_WAIT, 0, 0, 0, 0);
            return static_cast<int>(read_u32(c, shm));
        });
        nap(u, 30);
        // A private wake must not reach the other process's waiter.
        write_u32(u, shm, 42);
        EXPECT_EQ(u.syscall(SYS_futex, shm, kWakeP, 1, 0, 0, 0), 0);
        EXPECT_EQ(u.syscall(SYS_futex, shm, FUTEX_WAKE, 1, 0, 0, 0), 1);
        uint64_t st = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(WEXITSTATUS(read_u32(u, st)), 42);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, SignalsInterruptOrRestartWaits) {
    int status = run_program("futex_signals", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 4096);
        uint64_t word = mem, handled = mem + 8, results = mem + 16;
        uint64_t on_signal = u.code_address([handled](ScriptedUser& h) {
            h.write_u64(handled, h.read_u64(handled) + 1);
        });
        EXPECT_EQ(sigtest::set_handler(u, SIGUSR1, on_signal), 0);
        EXPECT_EQ(sigtest::set_handler(u, SIGUSR2, on_signal, sigtest::kSaRestart), 0);
        ScriptedThread t = spawn(u, mem + 128, [=](ScriptedUser& c) {
            // No SA_RESTART: EINTR.
            c.write_u64(results, c.syscall(SYS_futex, word, kWaitP, 0, 0, 0, 0));
            // SA_RESTART and no timeout: the wait resumes and ends with the real wake.
            c.write_u64(results + 8, c.syscall(SYS_futex, word, kWaitP, 0, 0, 0, 0));
            // SA_RESTART but a timeout: EINTR (Linux cannot restart it unchanged either).
            c.write_u64(results + 16, c.syscall(SYS_futex, word, kWaitP, 0,
                                                push_timespec(c, 10, 0), 0, 0));
        });
        nap(u, 30);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, t.tid, SIGUSR1), 0);
        nap(u, 30);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, t.tid, SIGUSR2), 0);
        nap(u, 30);
        EXPECT_EQ(u.syscall(SYS_futex, word, kWakeP, 1, 0, 0, 0), 1);  // Still (again) waiting.
        nap(u, 30);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, t.tid, SIGUSR2), 0);
        join(u, t);
        EXPECT_EQ(static_cast<int64_t>(u.read_u64(results)), -EINTR);
        EXPECT_EQ(static_cast<int64_t>(u.read_u64(results + 8)), 0);
        EXPECT_EQ(static_cast<int64_t>(u.read_u64(results + 16)), -EINTR);
        EXPECT_EQ(u.read_u64(handled), 3u);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

// Ping-pong with no shared user data: each side wakes the word until the wake reports that the
// other side was queued, then sleeps itself (the word stays 0, so every wait blocks). The
// futex table is the only thing the two threads share, so the test is clean under TSan even
// though the emulated user memory is not atomic.
void ping_pong(unsigned cpus) {
    int status = run_program("futex_pingpong", [](ScriptedUser& u) {
        constexpr int kRounds = 200;
        int64_t mem = map_rw(u, 4096);
        uint64_t word = mem;
        auto hand_over = [word](ScriptedUser& c) {
            int64_t r;
            while ((r = c.syscall(SYS_futex, word, kWakeP, 1, 0, 0, 0)) == 0) {
            }
            EXPECT_EQ(r, 1);
        };
        auto sleep = [word](ScriptedUser& c) {
            EXPECT_EQ(c.syscall(SYS_futex, word, kWaitP, 0, 0, 0, 0), 0);
        };
        ScriptedThread t = spawn(u, mem + 128, [&](ScriptedUser& c) {
            for (int i = 0; i < kRounds; ++i) {
                sleep(c);
                hand_over(c);
            }
        });
        for (int i = 0; i < kRounds; ++i) {
            hand_over(u);
            sleep(u);
        }
        join(u, t);
        return 0;
    }, kernel_machine(cpus));
    EXPECT_EQ(status, 0);
}

TEST(FutexSyscalls, PingPongOnTwoCpus) { ping_pong(2); }
TEST(FutexSyscalls, PingPongOnFourCpus) { ping_pong(4); }

}  // namespace
