// Linux futex ABI: futex(2) operations, the PRIVATE / CLOCK_REALTIME modifier bits and the
// robust-futex word bits.
#pragma once

#include <cstdint>

namespace kernel::abi::futex {

inline constexpr int kWait = 0;
inline constexpr int kWake = 1;
inline constexpr int kFd = 2;
inline constexpr int kRequeue = 3;
inline constexpr int kCmpRequeue = 4;
inline constexpr int kWakeOp = 5;
inline constexpr int kLockPi = 6;
inline constexpr int kUnlockPi = 7;
inline constexpr int kTrylockPi = 8;
inline constexpr int kWaitBitset = 9;
inline constexpr int kWakeBitset = 10;
inline constexpr int kWaitRequeuePi = 11;
inline constexpr int kCmpRequeuePi = 12;
inline constexpr int kLockPi2 = 13;
inline constexpr int kPrivateFlag = 128;
inline constexpr int kClockRealtime = 256;
inline constexpr int kCmdMask = ~(kPrivateFlag | kClockRealtime);
inline constexpr uint32_t kBitsetMatchAny = 0xffffffff;
inline constexpr uint32_t kWaiters = 0x80000000;
inline constexpr uint32_t kOwnerDied = 0x40000000;
inline constexpr uint32_t kTidMask = 0x3fffffff;

}  // namespace kernel::abi::futex
