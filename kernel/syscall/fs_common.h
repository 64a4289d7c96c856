// Shared pieces of the file-system syscall glue (fs_*.cpp): the caller's VFS state, path and
// struct arguments. Handlers stay thin: copy in, call kernel::fs::vfs, copy out.
#pragma once

#include <kernel/fs/process_files.h>
#include <kernel/fs/vfs.h>
#include <kernel/syscall/dispatch.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {

/// The calling process's VFS pieces. Keep it in a local: caller() refers into it.
struct FsEnv {
    Process* proc;
    fs::ProcessFiles* files;
    Credentials creds;
    fs::vfs::Caller caller() { return fs::caller_for(*proc, *files, creds); }
};

/// ESRCH without a calling process; ENOMEM.
ostd::Result<FsEnv> fs_env(SyscallContext& ctx);

enum class EmptyPath : bool { kReject = false, kAllow = true };
/// A path argument of at most PATH_MAX - 1 bytes. EFAULT, ENAMETOOLONG, ENOENT (empty, unless
/// allowed: AT_EMPTY_PATH calls).
ostd::Result<ostd::String> path_arg(SyscallContext& ctx, uint64_t uaddr,
                                    EmptyPath empty = EmptyPath::kReject);

}  // namespace kernel::syscall
