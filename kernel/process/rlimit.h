// Resource limits (getrlimit/setrlimit/prlimit64): the per-process table and Linux's rules for
// changing it (man 2 getrlimit).
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

namespace kernel {

enum class Resource : uint32_t {
    kCpu = 0, kFsize = 1, kData = 2, kStack = 3, kCore = 4, kRss = 5, kNproc = 6, kNofile = 7,
    kMemlock = 8, kAs = 9, kLocks = 10, kSigpending = 11, kMsgqueue = 12, kNice = 13,
    kRtprio = 14, kRttime = 15,
};
inline constexpr uint32_t kNumResources = 16;
inline constexpr uint64_t kRlimInfinity = ~uint64_t{0};
/// fs.nr_open: the ceiling for RLIMIT_NOFILE.
inline constexpr uint64_t kNrOpen = 1u << 20;

struct Rlimit {
    uint64_t cur = kRlimInfinity;
    uint64_t max = kRlimInfinity;
    bool operator==(const Rlimit&) const = default;
};

class Rlimits {
public:
    /// Linux's defaults for init (NOFILE 1024/4096, STACK 8 MiB soft, CORE 0 soft, ...).
    Rlimits();

    /// EINVAL for an unknown resource.
    ostd::Result<Rlimit> get(uint32_t resource) const;
    /// EINVAL for an unknown resource or cur > max; EPERM when raising max without privilege,
    /// or NOFILE above nr_open.
    ostd::Result<void> set(uint32_t resource, const Rlimit& value, bool privileged);
    /// Fast accessor for kernel code; resource must be valid.
    const Rlimit& operator[](Resource r) const { return limits_[static_cast<uint32_t>(r)]; }

private:
    Rlimit limits_[kNumResources];
};

}  // namespace kernel
