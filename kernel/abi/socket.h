// Linux socket ABI basics: sockaddr, sockaddr_un, sockaddr_in, sockaddr_in6, sockaddr_storage,
// msghdr / cmsghdr / ucred for sendmsg and SCM_RIGHTS, address families, types and MSG_* flags.
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

/// struct msghdr (sendmsg/recvmsg). Pointers are user addresses.
struct Msghdr {
    uint64_t msg_name;
    uint32_t msg_namelen;
    uint32_t pad0;
    uint64_t msg_iov;
    uint64_t msg_iovlen;
    uint64_t msg_control;
    uint64_t msg_controllen;
    int32_t msg_flags;
    int32_t pad1;
};
static_assert(sizeof(Msghdr) == 56);
static_assert(__builtin_offsetof(Msghdr, msg_iov) == 16);
static_assert(__builtin_offsetof(Msghdr, msg_controllen) == 40);
static_assert(__builtin_offsetof(Msghdr, msg_flags) == 48);

/// struct mmsghdr (sendmmsg/recvmmsg).
struct Mmsghdr {
    Msghdr msg_hdr;
    uint32_t msg_len;
    uint32_t pad;
};
static_assert(sizeof(Mmsghdr) == 64);

/// Control message header; data follows at kCmsgDataOffset, records are 8-byte aligned.
struct Cmsghdr {
    uint64_t cmsg_len;  // header + data, unpadded
    int32_t cmsg_level;
    int32_t cmsg_type;
};
static_assert(sizeof(Cmsghdr) == 16);
inline constexpr uint64_t kCmsgDataOffset = sizeof(Cmsghdr);
constexpr uint64_t cmsg_align(uint64_t len) {
    return (len + 7) & ~uint64_t{7};
}

/// SCM_CREDENTIALS payload.
struct Ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};
static_assert(sizeof(Ucred) == 12);

namespace scm {
inline constexpr int kRights = 1;
inline constexpr int kCredentials = 2;
}  // namespace scm

namespace msg {
inline constexpr uint32_t kOob = 0x1;
inline constexpr uint32_t kPeek = 0x2;
inline constexpr uint32_t kDontroute = 0x4;
inline constexpr uint32_t kCtrunc = 0x8;
inline constexpr uint32_t kTrunc = 0x20;
inline constexpr uint32_t kDontwait = 0x40;
inline constexpr uint32_t kEor = 0x80;
inline constexpr uint32_t kWaitall = 0x100;
inline constexpr uint32_t kNosignal = 0x4000;
inline constexpr uint32_t kCmsgCloexec = 0x40000000;
}  // namespace msg

namespace shut {
inline constexpr int kRd = 0;
inline constexpr int kWr = 1;
inline constexpr int kRdwr = 2;
}  // namespace shut

}  // namespace kernel::abi
