// Resource-limit defaults and the setrlimit permission rules.
#include <kernel/process/rlimit.h>

namespace kernel {

Rlimits::Rlimits() {
    auto set = [this](Resource r, uint64_t cur, uint64_t max) {
        limits_[static_cast<uint32_t>(r)] = {cur, max};
    };
    set(Resource::kStack, 8u << 20, kRlimInfinity);
    set(Resource::kCore, 0, kRlimInfinity);
    set(Resource::kNproc, 63536, 63536);
    set(Resource::kNofile, 1024, 4096);
    set(Resource::kMemlock, 8u << 20, 8u << 20);
    set(Resource::kSigpending, 63536, 63536);
    set(Resource::kMsgqueue, 819200, 819200);
    set(Resource::kNice, 0, 0);
    set(Resource::kRtprio, 0, 0);
}

ostd::Result<Rlimit> Rlimits::get(uint32_t resource) const {
    if (resource >= kNumResources) return ostd::Error(EINVAL);
    return limits_[resource];
}

ostd::Result<void> Rlimits::set(uint32_t resource, const Rlimit& value, bool privileged) {
    if (resource >= kNumResources) return ostd::Error(EINVAL);
    if (value.cur > value.max) return ostd::Error(EINVAL);
    Rlimit& old = limits_[resource];
    if (value.max > old.max && !privileged) return ostd::Error(EPERM);
    if (resource == static_cast<uint32_t>(Resource::kNofile) && value.max > kNrOpen)
        return ostd::Error(EPERM);
    old = value;
    return ostd::ok();
}

}  // namespace kernel
