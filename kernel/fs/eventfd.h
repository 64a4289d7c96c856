// eventfd(2): a 64-bit counter File. Reads return and clear it (or, in semaphore mode, return 1
// and decrement); writes add to it; both block (interruptibly) or fail with EAGAIN.
#pragma once

#include <kernel/fs/file.h>

namespace kernel::fs {

inline constexpr uint32_t kEfdSemaphore = 1;
/// flags: kEfdSemaphore, O_NONBLOCK, O_CLOEXEC (the caller's business). EINVAL otherwise.
ostd::Result<ostd::Ref<File>> create_eventfd(uint64_t initval, uint32_t flags);

}  // namespace kernel::fs
