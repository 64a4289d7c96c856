// The built-in file-system types, registered once at boot (and by tests).
#include <kernel/fs/devfs/devfs.h>
#include <kernel/fs/procfs/procfs.h>
#include <kernel/fs/superblock.h>
#include <kernel/fs/tmpfs/tmpfs.h>

namespace kernel::fs {

void register_builtin_filesystems() {
    MUST(register_filesystem(tmpfs::kTmpfsType));
    MUST(register_filesystem(tmpfs::kRamfsType));
    MUST(register_filesystem(devfs::kDevtmpfsType));
    MUST(register_filesystem(procfs::kProcType));
}

}  // namespace kernel::fs
