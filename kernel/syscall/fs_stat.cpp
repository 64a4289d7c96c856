// Lookup-only syscalls: stat family, statx, access family, statfs, readlink(at), getdents64,
// getcwd.
#include <kernel/abi/fcntl.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace vfs = fs::vfs;
constexpr int kCwd = abi::at::kFdcwd;

namespace {
Result<int64_t> do_stat(SyscallContext& ctx, int dirfd, uint64_t upath, uint64_t ubuf,
                        uint32_t flags) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(
        ctx, upath, (flags & abi::at::kEmptyPath) ? EmptyPath::kAllow : EmptyPath::kReject));
    abi::Stat st = TRY(vfs::stat_at(env.caller(), dirfd, path.view(), flags));
    TRY(write_user(ctx, ubuf, st));
    return 0;
}
}  // namespace

Result<int64_t> sys_stat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_stat(ctx, kCwd, a.args[0], a.args[1], 0);
}
Result<int64_t> sys_lstat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_stat(ctx, kCwd, a.args[0], a.args[1], abi::at::kSymlinkNofollow);
}
Result<int64_t> sys_newfstatat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_stat(ctx, a.as_int(0), a.args[1], a.args[2], a.as_uint(3));
}
Result<int64_t> sys_fstat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    abi::Stat st = TRY(vfs::fstat(env.caller(), a.as_int(0)));
    TRY(write_user(ctx, a.args[1], st));
    return 0;
}

Result<int64_t> sys_statx(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    uint32_t flags = a.as_uint(2);
    ostd::String path = TRY(path_arg(
        ctx, a.args[1], (flags & abi::at::kEmptyPath) ? EmptyPath::kAllow : EmptyPath::kReject));
    abi::Statx sx = TRY(vfs::statx_at(env.caller(), a.as_int(0), path.view(), flags, a.as_uint(3)));
    TRY(write_user(ctx, a.args[4], sx));
    return 0;
}

namespace {
Result<int64_t> do_access(SyscallContext& ctx, int dirfd, uint64_t upath, int mode,
                          uint32_t flags) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(
        ctx, upath, (flags & abi::at::kEmptyPath) ? EmptyPath::kAllow : EmptyPath::kReject));
    TRY(vfs::access_at(env.caller(), dirfd, path.view(), mode, flags));
    return 0;
}
}  // namespace

Result<int64_t> sys_access(SyscallContext& ctx, const SyscallArgs& a) {
    return do_access(ctx, kCwd, a.args[0], a.as_int(1), 0);
}
Result<int64_t> sys_faccessat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_access(ctx, a.as_int(0), a.args[1], a.as_int(2), 0);
}
Result<int64_t> sys_faccessat2(SyscallContext& ctx, const SyscallArgs& a) {
    return do_access(ctx, a.as_int(0), a.args[1], a.as_int(2), a.as_uint(3));
}

Result<int64_t> sys_statfs(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[0]));
    abi::Statfs st = TRY(vfs::statfs(env.caller(), path.view()));
    TRY(write_user(ctx, a.args[1], st));
    return 0;
}
Result<int64_t> sys_fstatfs(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    abi::Statfs st = TRY(vfs::fstatfs(env.caller(), a.as_int(0)));
    TRY(write_user(ctx, a.args[1], st));
    return 0;
}

namespace {
Result<int64_t> do_readlink(SyscallContext& ctx, int dirfd, uint64_t upath, uint64_t ubuf,
                            int64_t size) {
    if (size <= 0) return Error(EINVAL, "readlink bufsiz must be positive");
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, upath, EmptyPath::kAllow));
    ostd::String target = TRY(vfs::readlink_at(env.caller(), dirfd, path.view()));
    size_t n = target.size() < size_t(size) ? target.size() : size_t(size);
    TRY(copy_to_user(ctx, ubuf, target.c_str(), n));
    return int64_t(n);
}
}  // namespace

Result<int64_t> sys_readlink(SyscallContext& ctx, const SyscallArgs& a) {
    return do_readlink(ctx, kCwd, a.args[0], a.args[1], a.as_int(2));
}
Result<int64_t> sys_readlinkat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_readlink(ctx, a.as_int(0), a.args[1], a.args[2], a.as_int(3));
}

Result<int64_t> sys_getdents64(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    TRY(env.files->fds->get(a.as_int(0)));
    uint64_t len = a.as_uint(2);
    ostd::VmWriter w = TRY(user_writer(ctx, a.args[1], len));
    return int64_t(TRY(vfs::getdents(c, a.as_int(0), w)));
}

Result<int64_t> sys_getcwd(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String cwd = TRY(vfs::getcwd(env.caller()));
    if (cwd.size() + 1 > a.args[1]) return Error(ERANGE, "getcwd buffer too small");
    TRY(copy_to_user(ctx, a.args[0], cwd.c_str(), cwd.size() + 1));
    return int64_t(cwd.size() + 1);
}

}  // namespace kernel::syscall
