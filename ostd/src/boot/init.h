// ostd's own start-up and tear-down, called by the backend around the kernel entry.
#pragma once

#include <ostd/boot/boot_info.h>

namespace ostd::detail {

/// Brings up backend-independent ostd services (frame allocator, heap, ...) over the RAM the
/// backend created. Called once per machine, before any task runs.
void init_early(const BootInfo& boot);

/// Undoes init_early() after the machine stopped, so another machine can boot in this process
/// (tests, fuzzing). Checks for leaked frames in debug builds.
void shutdown_late();

}  // namespace ostd::detail
