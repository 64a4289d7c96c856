// Emulated RAM: one memfd, mapped once as the kernel's direct map.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>

namespace ostd::host {

/// Creates the RAM (memfd of `bytes`, mapped read-write, all zero; reuses the previous machine's
/// emptied RAM when it had the same size). EINVAL if bytes is 0 or not page aligned, ENOMEM if
/// the host refuses. Precondition: no RAM exists.
Result<void> ram_create(uint64_t bytes);
/// Ends the RAM: its contents are discarded (the memfd and mapping may be kept, empty, for the
/// next ram_create of the same size). Safe to call when none exists.
void ram_destroy();
/// The memfd backing RAM (for mapping frames into the user window), or -1.
int ram_fd();
std::byte* ram_base();

/// For tests: whether the RAM kept for the next machine reads as all zeros (true if none is
/// kept). Reads it through the memfd, so it needs no machine.
bool ram_retained_is_zero();

}  // namespace ostd::host
