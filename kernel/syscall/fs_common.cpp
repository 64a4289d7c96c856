// fs glue helpers.
#include <kernel/syscall/fs_common.h>

namespace kernel::syscall {

ostd::Result<FsEnv> fs_env(SyscallContext& ctx) {
    if (!ctx.process) return ostd::Error(ESRCH, "no calling process");
    fs::ProcessFiles* files = TRY(fs::files_of(*ctx.process));
    return FsEnv{ctx.process, files, ctx.process->creds()};
}

ostd::Result<ostd::String> path_arg(SyscallContext& ctx, uint64_t uaddr, EmptyPath empty) {
    ostd::String s = TRY(read_user_string(ctx, uaddr, fs::kPathMax - 1));
    if (s.is_empty() && empty == EmptyPath::kReject) return ostd::Error(ENOENT, "empty path");
    return s;
}

}  // namespace kernel::syscall
