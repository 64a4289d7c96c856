// Linux x86-64 time ABI: timespec, timeval, timezone, itimerval, itimerspec, tms; clock ids,
// interval timer kinds and TIMER_ABSTIME.
#pragma once

#include <cstdint>

namespace kernel::abi {

struct Timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};
static_assert(sizeof(Timespec) == 16);

struct Timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};
static_assert(sizeof(Timeval) == 16);

struct Timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};
static_assert(sizeof(Timezone) == 8);

struct Itimerval {
    Timeval it_interval;
    Timeval it_value;
};
static_assert(sizeof(Itimerval) == 32);
static_assert(__builtin_offsetof(Itimerval, it_value) == 16);

struct Itimerspec {
    Timespec it_interval;
    Timespec it_value;
};
static_assert(sizeof(Itimerspec) == 32);
static_assert(__builtin_offsetof(Itimerspec, it_value) == 16);

/// struct tms for times(2), in clock ticks.
struct Tms {
    int64_t tms_utime;
    int64_t tms_stime;
    int64_t tms_cutime;
    int64_t tms_cstime;
};
static_assert(sizeof(Tms) == 32);

namespace clock {
inline constexpr int kRealtime = 0;
inline constexpr int kMonotonic = 1;
inline constexpr int kProcessCputimeId = 2;
inline constexpr int kThreadCputimeId = 3;
inline constexpr int kMonotonicRaw = 4;
inline constexpr int kRealtimeCoarse = 5;
inline constexpr int kMonotonicCoarse = 6;
inline constexpr int kBoottime = 7;
inline constexpr int kRealtimeAlarm = 8;
inline constexpr int kBoottimeAlarm = 9;
inline constexpr int kTai = 11;
inline constexpr int kTimerAbstime = 1;          // clock_nanosleep / timer_settime flag
inline constexpr int64_t kTicksPerSecond = 100;  // USER_HZ, the unit of times() and /proc
}  // namespace clock

namespace itimer {
inline constexpr int kReal = 0;
inline constexpr int kVirtual = 1;
inline constexpr int kProf = 2;
}  // namespace itimer

}  // namespace kernel::abi
