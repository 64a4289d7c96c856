// Linux socket address ABI basics: sockaddr, sockaddr_un, sockaddr_in, sockaddr_in6,
// sockaddr_storage, address families and socket types.
#pragma once

#include <cstdint>

namespace kernel::abi {

namespace af {
inline constexpr uint16_t kUnspec = 0;
inline constexpr uint16_t kUnix = 1;
inline constexpr uint16_t kInet = 2;
inline constexpr uint16_t kInet6 = 10;
inline constexpr uint16_t kNetlink = 16;
inline constexpr uint16_t kPacket = 17;
}  // namespace af

namespace sock {
inline constexpr int kStream = 1;
inline constexpr int kDgram = 2;
inline constexpr int kRaw = 3;
inline constexpr int kSeqpacket = 5;
inline constexpr int kTypeMask = 0xf;
inline constexpr int kNonblock = 04000;
inline constexpr int kCloexec = 02000000;
inline constexpr int kSolSocket = 1;  // SOL_SOCKET
}  // namespace sock

struct Sockaddr {
    uint16_t sa_family;
    char sa_data[14];
};
static_assert(sizeof(Sockaddr) == 16);

inline constexpr int kUnixPathMax = 108;

struct SockaddrUn {
    uint16_t sun_family;
    char sun_path[kUnixPathMax];
};
static_assert(sizeof(SockaddrUn) == 110);

/// sockaddr_in: port and address are in network byte order.
struct SockaddrIn {
    uint16_t sin_family;
    uint16_t sin_port;
    uint32_t sin_addr;
    uint8_t sin_zero[8];
};
static_assert(sizeof(SockaddrIn) == 16);
static_assert(__builtin_offsetof(SockaddrIn, sin_addr) == 4);

struct SockaddrIn6 {
    uint16_t sin6_family;
    uint16_t sin6_port;
    uint32_t sin6_flowinfo;
    uint8_t sin6_addr[16];
    uint32_t sin6_scope_id;
};
static_assert(sizeof(SockaddrIn6) == 28);
static_assert(__builtin_offsetof(SockaddrIn6, sin6_addr) == 8);
static_assert(__builtin_offsetof(SockaddrIn6, sin6_scope_id) == 24);

struct alignas(8) SockaddrStorage {
    uint16_t ss_family;
    uint8_t data[126];
};
static_assert(sizeof(SockaddrStorage) == 128);

}  // namespace kernel::abi
