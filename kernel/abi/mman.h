// Linux x86-64 memory-mapping ABI: PROT_*, MAP_*, MREMAP_*, MS_* and MADV_* values.
#pragma once

#include <cstdint>

namespace kernel::abi {

namespace prot {
inline constexpr uint32_t kNone = 0x0;
inline constexpr uint32_t kRead = 0x1;
inline constexpr uint32_t kWrite = 0x2;
inline constexpr uint32_t kExec = 0x4;
inline constexpr uint32_t kSem = 0x8;
inline constexpr uint32_t kGrowsdown = 0x01000000;
inline constexpr uint32_t kGrowsup = 0x02000000;
}  // namespace prot

namespace map {
inline constexpr uint32_t kShared = 0x01;
inline constexpr uint32_t kPrivate = 0x02;
inline constexpr uint32_t kSharedValidate = 0x03;
inline constexpr uint32_t kTypeMask = 0x0f;
inline constexpr uint32_t kFixed = 0x10;
inline constexpr uint32_t kAnonymous = 0x20;
inline constexpr uint32_t k32Bit = 0x40;
inline constexpr uint32_t kGrowsdown = 0x0100;
inline constexpr uint32_t kDenywrite = 0x0800;
inline constexpr uint32_t kExecutable = 0x1000;
inline constexpr uint32_t kLocked = 0x2000;
inline constexpr uint32_t kNoreserve = 0x4000;
inline constexpr uint32_t kPopulate = 0x8000;
inline constexpr uint32_t kNonblock = 0x10000;
inline constexpr uint32_t kStack = 0x20000;
inline constexpr uint32_t kHugetlb = 0x40000;
inline constexpr uint32_t kSync = 0x80000;
inline constexpr uint32_t kFixedNoreplace = 0x100000;
inline constexpr uint32_t kUninitialized = 0x4000000;
/// mmap's failure value as user space sees it ((void*)-1); the kernel returns -errno instead.
inline constexpr uint64_t kFailed = ~uint64_t{0};
}  // namespace map

namespace mremap {
inline constexpr uint32_t kMaymove = 1;
inline constexpr uint32_t kFixed = 2;
inline constexpr uint32_t kDontunmap = 4;
}  // namespace mremap

namespace msync {
inline constexpr uint32_t kAsync = 1;
inline constexpr uint32_t kInvalidate = 2;
inline constexpr uint32_t kSync = 4;
}  // namespace msync

namespace madv {
inline constexpr int kNormal = 0;
inline constexpr int kRandom = 1;
inline constexpr int kSequential = 2;
inline constexpr int kWillneed = 3;
inline constexpr int kDontneed = 4;
inline constexpr int kFree = 8;
inline constexpr int kRemove = 9;
inline constexpr int kDontfork = 10;
inline constexpr int kDofork = 11;
}  // namespace madv

}  // namespace kernel::abi
