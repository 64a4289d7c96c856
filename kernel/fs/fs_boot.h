// Boot-time wiring of the file systems: built-in types, the process hooks (fork shares or copies
// descriptors and fs context; process exit closes them) and init's root namespace, unpacked from
// the initramfs in BootInfo.
#pragma once

#include <kernel/process/process.h>
#include <ostd/boot/boot_info.h>

namespace kernel::fs {

/// Registers the fs process hooks with the (already initialised) process table, installs the
/// procfs process provider, builds the root
/// namespace (tmpfs root, the initramfs unpacked into it, devtmpfs on /dev, proc on /proc) and
/// installs it with fds 0-2 on /dev/console as `init`'s files. A malformed initramfs is logged
/// and skipped unless the command line says "initramfs.on_error=stop": then EINVAL, and the
/// caller stops booting. ENOMEM.
ostd::Result<void> fs_boot(Process& init, const ostd::BootInfo& boot);

}  // namespace kernel::fs
