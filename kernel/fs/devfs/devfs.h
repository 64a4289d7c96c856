// devfs: a tmpfs instance (type "devtmpfs") populated with the standard device nodes.
#pragma once

#include <kernel/fs/superblock.h>

namespace kernel::fs::devfs {

/// A devtmpfs superblock holding null, zero, full, random, urandom, tty, console (and the
/// drivers registered). ENOMEM.
ostd::Result<ostd::Ref<SuperBlock>> create();

extern const FileSystemType kDevtmpfsType;

}  // namespace kernel::fs::devfs
