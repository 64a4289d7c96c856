// Emulated RAM: one memfd, mapped once as the kernel's direct map.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>

namespace ostd::host {

/// Creates the RAM (memfd of `bytes`, mapped read-write). EINVAL if bytes is 0 or not page
/// aligned, ENOMEM if the host refuses. Precondition: no RAM exists.
Result<void> ram_create(uint64_t bytes);
/// Unmaps and closes the RAM. Safe to call when none exists.
void ram_destroy();
/// The memfd backing RAM (for mapping frames into the user window), or -1.
int ram_fd();
std::byte* ram_base();

}  // namespace ostd::host
