// The exec file reader the ELF loader calls (kernel/process/elf_loader.h): resolves a path for
// the calling process (or init during boot), checks that it may be executed and reads it whole.
#pragma once

#include <string_view>

#include <ostd/common/result.h>
#include <ostd/ktl/vector.h>

namespace kernel::fs {

/// ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG from the walk; EACCES when the file is not a regular
/// file, lacks execute permission or sits on a noexec mount; ENOMEM; EFBIG above 256 MiB.
ostd::Result<ostd::Vector<std::byte>> read_exec_file(std::string_view path);

}  // namespace kernel::fs
