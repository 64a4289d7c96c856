// Process and thread creation (clone, clone3, fork, vfork) and its life-cycle duties: the vfork
// parent sleeps until the child releases it (exec or exit), and exiting threads clear their
// child_tid word and robust futexes.
#pragma once

#include <string_view>

#include <ostd/common/result.h>
#include <ostd/ktl/vector.h>

#include <kernel/process/process.h>

namespace kernel {

/// Installs the clone subsystem's ProcessHooks (thread exit). Called once per boot, after
/// ProcessTable::init().
void init_clone();

/// The exec file reader over the VFS (installed by init_clone): the file at `path`, resolved
/// as `process`, if it is a regular file the process may execute. ENOENT, ENOTDIR, EACCES,
/// ELOOP, ENAMETOOLONG (lookup), ENOMEM.
ostd::Result<ostd::Vector<std::byte>> read_exec_file(Process& process, std::string_view path);

/// The thread stops using its address space (execve or exit): its vfork parent, if any, wakes.
void vfork_release(Thread& child);

}  // namespace kernel
