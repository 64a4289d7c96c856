// The libfuse3 low-level operations of `orrery mount`: each request becomes one call into the
// kernel's Exporter on a kernel task (kernel_call.h), answered with the kernel's errno.
#pragma once

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

namespace orrery::harness {

/// The operation table (init, lookup, forget(+multi), getattr, setattr, readlink, mknod,
/// mkdir, unlink, rmdir, symlink, rename, link, open, read, write, flush, release, fsync,
/// opendir, readdir(plus), releasedir, fsyncdir, statfs, xattrs, access, create, fallocate,
/// copy_file_range).
const fuse_lowlevel_ops& fuse_operations();

}  // namespace orrery::harness
