// Namespace-changing syscalls: mkdir(at), rmdir, unlink(at), rename(at|at2), link(at),
// symlink(at), mknod(at), chdir, fchdir, chroot, mount, umount2.
#include <kernel/abi/fcntl.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace vfs = fs::vfs;
constexpr int kCwd = abi::at::kFdcwd;

Result<int64_t> sys_mkdirat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[1]));
    TRY(vfs::mkdir_at(env.caller(), a.as_int(0), path.view(), a.as_uint(2)));
    return 0;
}
Result<int64_t> sys_mkdir(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], a.args[1]}};
    return sys_mkdirat(ctx, b);
}

Result<int64_t> sys_unlinkat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[1]));
    TRY(vfs::unlink_at(env.caller(), a.as_int(0), path.view(), a.as_uint(2)));
    return 0;
}
Result<int64_t> sys_unlink(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], 0}};
    return sys_unlinkat(ctx, b);
}
Result<int64_t> sys_rmdir(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], abi::at::kRemovedir}};
    return sys_unlinkat(ctx, b);
}

Result<int64_t> sys_renameat2(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String from = TRY(path_arg(ctx, a.args[1]));
    ostd::String to = TRY(path_arg(ctx, a.args[3]));
    TRY(vfs::rename_at(env.caller(), a.as_int(0), from.view(), a.as_int(2), to.view(),
                       a.as_uint(4)));
    return 0;
}
Result<int64_t> sys_renameat(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {a.args[0], a.args[1], a.args[2], a.args[3], 0}};
    return sys_renameat2(ctx, b);
}
Result<int64_t> sys_rename(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr,
                  {uint64_t(int64_t(kCwd)), a.args[0], uint64_t(int64_t(kCwd)), a.args[1], 0}};
    return sys_renameat2(ctx, b);
}

Result<int64_t> sys_linkat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    uint32_t flags = a.as_uint(4);
    ostd::String from = TRY(path_arg(
        ctx, a.args[1], (flags & abi::at::kEmptyPath) ? EmptyPath::kAllow : EmptyPath::kReject));
    ostd::String to = TRY(path_arg(ctx, a.args[3]));
    TRY(vfs::link_at(env.caller(), a.as_int(0), from.view(), a.as_int(2), to.view(), flags));
    return 0;
}
Result<int64_t> sys_link(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr,
                  {uint64_t(int64_t(kCwd)), a.args[0], uint64_t(int64_t(kCwd)), a.args[1], 0}};
    return sys_linkat(ctx, b);
}

Result<int64_t> sys_symlinkat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String target = TRY(path_arg(ctx, a.args[0]));
    ostd::String path = TRY(path_arg(ctx, a.args[2]));
    TRY(vfs::symlink_at(env.caller(), target.view(), a.as_int(1), path.view()));
    return 0;
}
Result<int64_t> sys_symlink(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {a.args[0], uint64_t(int64_t(kCwd)), a.args[1]}};
    return sys_symlinkat(ctx, b);
}

Result<int64_t> sys_mknodat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[1]));
    TRY(vfs::mknod_at(env.caller(), a.as_int(0), path.view(), a.as_uint(2), a.as_uint(3)));
    return 0;
}
Result<int64_t> sys_mknod(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], a.args[1], a.args[2]}};
    return sys_mknodat(ctx, b);
}

Result<int64_t> sys_chdir(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[0]));
    TRY(vfs::chdir(env.caller(), path.view()));
    return 0;
}
Result<int64_t> sys_fchdir(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::fchdir(env.caller(), a.as_int(0)));
    return 0;
}
Result<int64_t> sys_chroot(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[0]));
    TRY(vfs::chroot(env.caller(), path.view()));
    return 0;
}

Result<int64_t> sys_mount(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String source, type, data;
    if (a.args[0]) source = TRY(read_user_string(ctx, a.args[0], fs::kPathMax - 1));
    ostd::String target = TRY(path_arg(ctx, a.args[1]));
    if (a.args[2]) type = TRY(read_user_string(ctx, a.args[2], 255));
    if (a.args[4]) data = TRY(read_user_string(ctx, a.args[4], 4095));
    TRY(vfs::mount(env.caller(), source.view(), target.view(), type.view(), uint32_t(a.args[3]),
                   data.view()));
    return 0;
}
Result<int64_t> sys_umount2(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String target = TRY(path_arg(ctx, a.args[0]));
    TRY(vfs::umount(env.caller(), target.view(), a.as_uint(1)));
    return 0;
}

}  // namespace kernel::syscall
