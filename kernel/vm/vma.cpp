// Shared anonymous memory: frames allocated on first touch and shared by every mapper.
#include <kernel/vm/vma.h>

namespace kernel {

ostd::Result<ostd::Ref<SharedMemory>> SharedMemory::create(uint64_t pages) {
    auto shm = TRY(ostd::try_make_ref<SharedMemory>());
    ostd::MutexGuard g(shm->lock_);
    TRY(shm->frames_.resize(pages));
    shm->pages_ = pages;
    return shm;
}

ostd::Result<ostd::Frame> SharedMemory::page(uint64_t index) {
    ostd::MutexGuard g(lock_);
    if (index >= pages_) return ostd::Error(EINVAL, "shared memory index past the end");
    auto& slot = frames_[index];
    if (!slot) slot = TRY(ostd::Frame::alloc());
    return *slot;
}

}  // namespace kernel
