// Linux x86-64 I/O-multiplexing and directory ABI: iovec, pollfd, epoll_event (packed on
// x86-64), linux_dirent64 and the POLL*, EPOLL*, DT_* constants.
#pragma once

#include <cstdint>

namespace kernel::abi {

struct Iovec {
    uint64_t iov_base;  // user address
    uint64_t iov_len;
};
static_assert(sizeof(Iovec) == 16);
inline constexpr int kIovMax = 1024;  // UIO_MAXIOV

namespace poll {
inline constexpr int16_t kIn = 0x001;
inline constexpr int16_t kPri = 0x002;
inline constexpr int16_t kOut = 0x004;
inline constexpr int16_t kErr = 0x008;
inline constexpr int16_t kHup = 0x010;
inline constexpr int16_t kNval = 0x020;
inline constexpr int16_t kRdnorm = 0x040;
inline constexpr int16_t kRdband = 0x080;
inline constexpr int16_t kWrnorm = 0x100;
inline constexpr int16_t kWrband = 0x200;
inline constexpr int16_t kMsg = 0x400;
inline constexpr int16_t kRdhup = 0x2000;
}  // namespace poll

struct Pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
static_assert(sizeof(Pollfd) == 8);

namespace epoll {
inline constexpr uint32_t kIn = 0x001;
inline constexpr uint32_t kPri = 0x002;
inline constexpr uint32_t kOut = 0x004;
inline constexpr uint32_t kErr = 0x008;
inline constexpr uint32_t kHup = 0x010;
inline constexpr uint32_t kRdhup = 0x2000;
inline constexpr uint32_t kExclusive = 1u << 28;
inline constexpr uint32_t kWakeup = 1u << 29;
inline constexpr uint32_t kOneshot = 1u << 30;
inline constexpr uint32_t kEt = 1u << 31;
inline constexpr int kCtlAdd = 1;
inline constexpr int kCtlDel = 2;
inline constexpr int kCtlMod = 3;
inline constexpr uint32_t kCloexec = 02000000;
}  // namespace epoll

/// struct epoll_event: packed on x86-64 only (12 bytes, data at offset 4).
struct __attribute__((packed)) EpollEvent {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);
static_assert(__builtin_offsetof(EpollEvent, data) == 4);

namespace dt {
inline constexpr uint8_t kUnknown = 0;
inline constexpr uint8_t kFifo = 1;
inline constexpr uint8_t kChr = 2;
inline constexpr uint8_t kDir = 4;
inline constexpr uint8_t kBlk = 6;
inline constexpr uint8_t kReg = 8;
inline constexpr uint8_t kLnk = 10;
inline constexpr uint8_t kSock = 12;
inline constexpr uint8_t kWht = 14;
}  // namespace dt

/// Header of one getdents64(2) record; the NUL-terminated name follows at kDirentNameOffset and
/// d_reclen (a multiple of 8) covers header, name and padding.
struct LinuxDirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
};
inline constexpr uint64_t kDirentNameOffset = 19;
static_assert(__builtin_offsetof(LinuxDirent64, d_reclen) == 16);
static_assert(__builtin_offsetof(LinuxDirent64, d_type) == 18);

}  // namespace kernel::abi
