// Process accessors: credentials, limits, name, address space.
#include <kernel/process/process.h>

namespace kernel {

void Process::set_address_space(ostd::Ref<AddressSpace> as) {
    ostd::MutexGuard g(lock_);
    as_ = std::move(as);
}

Credentials Process::creds() const {
    ostd::MutexGuard g(lock_);
    return creds_;
}

Rlimit Process::rlimit(Resource r) const {
    ostd::MutexGuard g(lock_);
    return rlimits_[r];
}

ostd::Result<Rlimit> Process::get_rlimit(uint32_t resource) const {
    ostd::MutexGuard g(lock_);
    return rlimits_.get(resource);
}

ostd::Result<void> Process::set_rlimit(uint32_t resource, const Rlimit& value) {
    ostd::MutexGuard g(lock_);
    return rlimits_.set(resource, value, creds_.is_privileged());
}

void Process::set_name(const char* name, size_t len) {
    ostd::MutexGuard g(lock_);
    size_t n = 0;
    for (; n < len && n < sizeof name_ - 1 && name[n]; ++n) name_[n] = name[n];
    for (; n < sizeof name_; ++n) name_[n] = '\0';
}

void Process::copy_name(char out[16]) const {
    ostd::MutexGuard g(lock_);
    for (size_t i = 0; i < sizeof name_; ++i) out[i] = name_[i];
    out[15] = '\0';
}

}  // namespace kernel
