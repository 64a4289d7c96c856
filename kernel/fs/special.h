// Opening special inodes: character devices (by device number, through the driver registry)
// and FIFOs (a pipe shared by every opener of the inode).
#pragma once

#include <kernel/fs/file.h>

namespace kernel::fs {

/// Opens the character device `rdev` for `path`. ENXIO when no driver is registered.
ostd::Result<ostd::Ref<File>> open_char_device(uint64_t rdev, const Path& path, uint32_t flags);
/// Opens the FIFO at `path` (fifo(7)): blocks until the other side opens unless O_NONBLOCK
/// (ENXIO for a non-blocking writer without readers). ERESTARTSYS when interrupted.
ostd::Result<ostd::Ref<File>> open_fifo(const Path& path, uint32_t flags);

}  // namespace kernel::fs
