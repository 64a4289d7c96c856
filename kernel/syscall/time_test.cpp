// Time and system-information syscalls through the real dispatch path.
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr uint64_t kBadPtr = 0x8;

TEST(TimeSyscalls, ClocksAdvanceAndValidate) {
    int status = run_program("clocks", [](ScriptedUser& u) {
        uint64_t ts = u.stack_alloc(16);
        EXPECT_EQ(u.syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
        timespec a{};
        u.read(ts, &a, sizeof a);
        EXPECT_EQ(u.syscall(SYS_clock_gettime, CLOCK_REALTIME, ts), 0);
        timespec r{};
        u.read(ts, &r, sizeof r);
        EXPECT_GT(r.tv_sec, 1700000000);  // After 2023: derived from the host clock at boot.
        EXPECT_EQ(u.syscall(SYS_clock_gettime, 12345, ts), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_clock_gettime, -1, ts), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_clock_gettime, CLOCK_MONOTONIC, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_clock_getres, CLOCK_MONOTONIC, 0), 0);
        // Sleep 20 ms and see monotonic time move by at least that.
        timespec nap{0, 20'000'000};
        EXPECT_EQ(u.syscall(SYS_nanosleep, u.push(&nap, sizeof nap), 0), 0);
        EXPECT_EQ(u.syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
        timespec b{};
        u.read(ts, &b, sizeof b);
        int64_t delta = (b.tv_sec - a.tv_sec) * 1'000'000'000 + (b.tv_nsec - a.tv_nsec);
        EXPECT_GE(delta, 20'000'000);
        timespec bad{0, 1'000'000'000};
        EXPECT_EQ(u.syscall(SYS_nanosleep, u.push(&bad, sizeof bad), 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_nanosleep, kBadPtr, 0), -EFAULT);
        timespec abs_past{0, 0};
        EXPECT_EQ(u.syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
                            u.push(&abs_past, sizeof abs_past), 0), 0);
        EXPECT_EQ(u.syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0,
                            u.push(&nap, sizeof nap), 0), -EOPNOTSUPP);
        EXPECT_GT(u.syscall(SYS_time, 0), 1700000000);
        EXPECT_EQ(u.syscall(SYS_gettimeofday, kBadPtr, 0), -EFAULT);
        uint64_t tms = u.stack_alloc(32);
        EXPECT_GE(u.syscall(SYS_times, tms), 2);  // >= 20 ms of uptime in 100 Hz ticks.
        EXPECT_EQ(u.syscall(SYS_getrusage, 5, u.stack_alloc(144)), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getrusage, RUSAGE_SELF, kBadPtr), -EFAULT);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SystemSyscalls, UnameHostnameSysinfoRandom) {
    int status = run_program("uts", [](ScriptedUser& u) {
        uint64_t buf = u.stack_alloc(sizeof(struct utsname));
        EXPECT_EQ(u.syscall(SYS_uname, buf), 0);
        struct utsname n{};
        u.read(buf, &n, sizeof n);
        EXPECT_STREQ(n.sysname, "Linux");
        EXPECT_STREQ(n.machine, "x86_64");
        EXPECT_STREQ(n.nodename, "orrery");
        EXPECT_EQ(u.syscall(SYS_uname, kBadPtr), -EFAULT);
        const char name[] = "testhost";
        EXPECT_EQ(u.syscall(SYS_sethostname, u.push(name, 8), 8), 0);
        EXPECT_EQ(u.syscall(SYS_sethostname, u.push(name, 8), 65), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_uname, buf), 0);
        u.read(buf, &n, sizeof n);
        EXPECT_STREQ(n.nodename, "testhost");
        EXPECT_EQ(u.syscall(SYS_setresuid, 1000, 1000, 1000), 0);
        EXPECT_EQ(u.syscall(SYS_sethostname, u.push(name, 8), 8), -EPERM);

        uint64_t si = u.stack_alloc(sizeof(struct sysinfo));
        EXPECT_EQ(u.syscall(SYS_sysinfo, si), 0);
        struct sysinfo s{};
        u.read(si, &s, sizeof s);
        EXPECT_EQ(s.totalram * s.mem_unit, 64ull << 20);
        EXPECT_GT(s.freeram, 0u);
        EXPECT_EQ(s.procs, 1);

        uint64_t rnd = u.stack_alloc(64);
        EXPECT_EQ(u.syscall(SYS_getrandom, rnd, 64, 0), 64);
        uint8_t bytes[64];
        u.read(rnd, bytes, 64);
        int zeros = 0;
        for (uint8_t b : bytes) zeros += b == 0;
        EXPECT_LT(zeros, 8);
        EXPECT_EQ(u.syscall(SYS_getrandom, rnd, 8, GRND_RANDOM | GRND_INSECURE), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getrandom, rnd, 8, 0x80), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getrandom, kBadPtr, 8, 0), -EFAULT);
        uint64_t mask = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_sched_getaffinity, 0, 8, mask), 8);
        EXPECT_EQ(u.read_u64(mask), 3u);  // Two vCPUs.
        EXPECT_EQ(u.syscall(SYS_sched_getaffinity, 0, 3, mask), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_sched_getaffinity, 777, 8, mask), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_sched_yield), 0);
        uint64_t cpu = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_getcpu, cpu, cpu + 4, 0), 0);
        EXPECT_LT(u.read_u64(cpu) & 0xffffffff, 2u);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(SystemSyscalls, RandomIsSeededAndDeterministic) {
    // Two deterministic machines with the same seed produce the same getrandom bytes.
    uint64_t seen[2] = {};
    for (int run = 0; run < 2; ++run) {
        auto cfg = kernel_machine();
        cfg.deterministic = true;
        cfg.seed = 1234;
        int status = run_program("rnd", [&seen, run](ScriptedUser& u) {
            uint64_t b = u.stack_alloc(8);
            u.syscall(SYS_getrandom, b, 8, 0);
            seen[run] = u.read_u64(b);
            return 0;
        }, cfg);
        EXPECT_EQ(status, 0);
    }
    EXPECT_EQ(seen[0], seen[1]);
    EXPECT_NE(seen[0], 0u);
}

}  // namespace
