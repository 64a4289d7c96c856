// Differential: clocks, sleeps, gettimeofday/time, times, getrusage. Values that legitimately
// differ (the time itself, CPU usage) are recorded as ok-or-errno or as relations.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kNoSuchPid = 99999999;

uint64_t make_ts(Sys& sys, int64_t sec, int64_t nsec) {
    uint64_t a = sys.scratch(16);
    sys.put_u64(a, static_cast<uint64_t>(sec));
    sys.put_u64(a + 8, static_cast<uint64_t>(nsec));
    return a;
}

int64_t ns_of(Sys& sys, uint64_t ts) {
    return static_cast<int64_t>(sys.get_u64(ts)) * 1000000000 +
           static_cast<int64_t>(sys.get_u64(ts + 8));
}

}  // namespace

DIFFTEST(Time, ClockIds) {
    uint64_t ts = sys.scratch(16);
    // 8 and 9 (the alarm clocks) depend on the host having an RTC; 10 (SGI_CYCLE) is gone.
    const int64_t ids[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 16, -1, 1000};
    for (int64_t id : ids) {
        char label[48];
        snprintf(label, sizeof label, "clock_gettime(%ld)", static_cast<long>(id));
        sys.ok(label, sys.call(SYS_clock_gettime, static_cast<uint64_t>(id), ts));
        snprintf(label, sizeof label, "clock_getres(%ld)", static_cast<long>(id));
        sys.ok(label, sys.call(SYS_clock_getres, static_cast<uint64_t>(id), ts));
    }
    return 0;
}

DIFFTEST(Time, ResolutionAndMonotonicity) {
    uint64_t ts = sys.scratch(16);
    for (uint64_t id : {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW}) {
        sys.ret("clock_getres", sys.call(SYS_clock_getres, id, ts));
        sys.ret("  res ns", ns_of(sys, ts));
    }
    sys.ret("getres(NULL)", sys.call(SYS_clock_getres, CLOCK_MONOTONIC, 0));
    sys.ret("gettime", sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
    int64_t t0 = ns_of(sys, ts);
    sys.ret("gettime", sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
    sys.ret("monotonic non-decreasing", ns_of(sys, ts) >= t0);
    sys.ret("nsec in range", sys.get_u64(ts + 8) < 1000000000);
    sys.ret("realtime", sys.call(SYS_clock_gettime, CLOCK_REALTIME, ts));
    sys.ret("  after 2020", static_cast<int64_t>(sys.get_u64(ts)) > 1577836800);
    return 0;
}

DIFFTEST(Time, Efault) {
    sys.ret("clock_gettime", sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, kBadPtr));
    sys.ret("clock_getres", sys.call(SYS_clock_getres, CLOCK_MONOTONIC, kBadPtr));
    sys.ret("gettimeofday tv", sys.call(SYS_gettimeofday, kBadPtr, 0));
    sys.ret("gettimeofday tz", sys.call(SYS_gettimeofday, sys.scratch(16), kBadPtr));
    sys.ret("gettimeofday(NULL,NULL)", sys.call(SYS_gettimeofday, 0, 0));
    sys.ret("time", sys.call(SYS_time, kBadPtr));
    sys.ret("times", sys.call(SYS_times, kBadPtr));
    sys.ret("getrusage", sys.call(SYS_getrusage, RUSAGE_SELF, kBadPtr));
    sys.ret("nanosleep req", sys.call(SYS_nanosleep, kBadPtr, 0));
    sys.ret("clock_nanosleep req",
            sys.call(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, kBadPtr, 0));
    return 0;
}

DIFFTEST(Time, GettimeofdayAgreesWithRealtime) {
    uint64_t tv = sys.scratch(16);
    uint64_t ts = sys.scratch(16);
    sys.ret("clock_gettime", sys.call(SYS_clock_gettime, CLOCK_REALTIME, ts));
    sys.ret("gettimeofday", sys.call(SYS_gettimeofday, tv, 0));
    int64_t diff = static_cast<int64_t>(sys.get_u64(tv)) - static_cast<int64_t>(sys.get_u64(ts));
    sys.ret("seconds apart <= 1", diff >= 0 && diff <= 1);
    sys.ret("usec in range", sys.get_u64(tv + 8) < 1000000);
    int64_t t = sys.call(SYS_time, 0);
    sys.ret("time() close", t - static_cast<int64_t>(sys.get_u64(ts)) <= 1);
    uint64_t tp = sys.scratch(8);
    int64_t t2 = sys.call(SYS_time, tp);
    sys.ret("time(p) stores result", static_cast<int64_t>(sys.get_u64(tp)) == t2);
    return 0;
}

DIFFTEST(Time, SleepArguments) {
    sys.ret("1ms", sys.call(SYS_nanosleep, make_ts(sys, 0, 1000000), 0));
    sys.ret("zero", sys.call(SYS_nanosleep, make_ts(sys, 0, 0), 0));
    sys.ret("rem unwritten", sys.call(SYS_nanosleep, make_ts(sys, 0, 1000), kBadPtr));
    sys.ret("nsec 1e9", sys.call(SYS_nanosleep, make_ts(sys, 0, 1000000000), 0));
    sys.ret("nsec -1", sys.call(SYS_nanosleep, make_ts(sys, 0, -1), 0));
    sys.ret("sec -1", sys.call(SYS_nanosleep, make_ts(sys, -1, 0), 0));
    uint64_t now = sys.scratch(16);
    sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, now);
    sys.ret("abstime past", sys.call(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
                                     make_ts(sys, 1, 0), 0));
    sys.ret("relative 1ms", sys.call(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0,
                                     make_ts(sys, 0, 1000000), 0));
    sys.ret("realtime 1ms", sys.call(SYS_clock_nanosleep, CLOCK_REALTIME, 0,
                                     make_ts(sys, 0, 1000000), 0));
    sys.ret("bad nsec", sys.call(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0,
                                 make_ts(sys, 0, 2000000000), 0));
    uint64_t after = sys.scratch(16);
    sys.call(SYS_clock_gettime, CLOCK_MONOTONIC, after);
    sys.ret("slept >= 2ms", ns_of(sys, after) - ns_of(sys, now) >= 2000000);
    return 0;
}

DIFFTEST(Time, TimesAndRusage) {
    uint64_t buf = sys.scratch(256);
    sys.ok("times(buf)", sys.call(SYS_times, buf));
    sys.ok("times(NULL)", sys.call(SYS_times, 0));
    sys.ret("getrusage(SELF)", sys.call(SYS_getrusage, RUSAGE_SELF, buf));
    sys.ret("getrusage(CHILDREN)", sys.call(SYS_getrusage, static_cast<uint64_t>(RUSAGE_CHILDREN),
                                            buf));
    sys.ret("children utime sec", static_cast<int64_t>(sys.get_u64(buf)));
    sys.ret("getrusage(THREAD)", sys.call(SYS_getrusage, 1, buf));
    sys.ret("getrusage(5)", sys.call(SYS_getrusage, 5, buf));
    sys.ret("getrusage(-3)", sys.call(SYS_getrusage, static_cast<uint64_t>(-3), buf));
    (void)kNoSuchPid;
    return 0;
}

