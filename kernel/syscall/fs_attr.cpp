// Attribute syscalls: chmod and chown families, truncate, fallocate, utimensat, the sync
// family, extended attributes.
#include <kernel/abi/fcntl.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace vfs = fs::vfs;
constexpr int kCwd = abi::at::kFdcwd;

namespace {
EmptyPath empty_if(uint32_t flags) {
    return (flags & abi::at::kEmptyPath) ? EmptyPath::kAllow : EmptyPath::kReject;
}
}  // namespace

Result<int64_t> sys_fchmodat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[1]));
    TRY(vfs::chmod_at(env.caller(), a.as_int(0), path.view(), a.as_uint(2), 0));
    return 0;
}
Result<int64_t> sys_chmod(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], a.args[1]}};
    return sys_fchmodat(ctx, b);
}
Result<int64_t> sys_fchmod(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::fchmod(env.caller(), a.as_int(0), a.as_uint(1)));
    return 0;
}

Result<int64_t> sys_fchownat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    uint32_t flags = a.as_uint(4);
    ostd::String path = TRY(path_arg(ctx, a.args[1], empty_if(flags)));
    TRY(vfs::chown_at(env.caller(), a.as_int(0), path.view(), a.as_uint(2), a.as_uint(3), flags));
    return 0;
}
Result<int64_t> sys_chown(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {uint64_t(int64_t(kCwd)), a.args[0], a.args[1], a.args[2], 0}};
    return sys_fchownat(ctx, b);
}
Result<int64_t> sys_lchown(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{
        a.nr,
        {uint64_t(int64_t(kCwd)), a.args[0], a.args[1], a.args[2], abi::at::kSymlinkNofollow}};
    return sys_fchownat(ctx, b);
}
Result<int64_t> sys_fchown(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::fchown(env.caller(), a.as_int(0), a.as_uint(1), a.as_uint(2)));
    return 0;
}

Result<int64_t> sys_truncate(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, a.args[0]));
    TRY(vfs::truncate(env.caller(), path.view(), a.as_long(1)));
    return 0;
}
Result<int64_t> sys_ftruncate(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::ftruncate(env.caller(), a.as_int(0), a.as_long(1)));
    return 0;
}
Result<int64_t> sys_fallocate(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::fallocate(env.caller(), a.as_int(0), a.as_int(1), a.as_long(2), a.as_long(3)));
    return 0;
}

Result<int64_t> sys_utimensat(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    uint32_t flags = a.as_uint(3);
    abi::Timespec times[2];
    const abi::Timespec* pt = nullptr;
    if (a.args[2]) {
        TRY(copy_from_user(ctx, a.args[2], times, sizeof times));
        pt = times;
    }
    ostd::String path;
    if (a.args[1]) {
        path = TRY(path_arg(ctx, a.args[1], empty_if(flags)));
    } else {
        // utimensat(fd, NULL, ...) is futimens(fd): operate on the descriptor itself.
        if (a.as_int(0) == kCwd) return Error(EFAULT);
        flags |= abi::at::kEmptyPath;
    }
    TRY(vfs::utimens_at(env.caller(), a.as_int(0), path.view(), pt, flags));
    return 0;
}

Result<int64_t> sys_fsync(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::fsync(env.caller(), a.as_int(0)));
    return 0;
}
Result<int64_t> sys_fdatasync(SyscallContext& ctx, const SyscallArgs& a) {
    return sys_fsync(ctx, a);
}
Result<int64_t> sys_syncfs(SyscallContext& ctx, const SyscallArgs& a) {
    return sys_fsync(ctx, a);
}
Result<int64_t> sys_sync(SyscallContext&, const SyscallArgs&) {
    return 0;  // in-memory file systems only: nothing to write back
}

// ---- xattrs ----

namespace {

constexpr size_t kXattrNameMax = 255, kXattrSizeMax = 65536;

Result<ostd::String> xattr_name(SyscallContext& ctx, uint64_t uname) {
    auto r = read_user_string(ctx, uname, kXattrNameMax);
    if (r.is_error() && r.error().code() == ENAMETOOLONG) return Error(ERANGE);
    ostd::String s = TRY(std::move(r));
    if (s.is_empty()) return Error(ERANGE, "empty xattr name");
    return s;
}

enum class Target { kPath, kLink, kFd };

Result<int64_t> do_get(SyscallContext& ctx, const SyscallArgs& a, Target t) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    ostd::String name = TRY(xattr_name(ctx, a.args[1]));
    size_t size = a.args[3] > kXattrSizeMax ? kXattrSizeMax : size_t(a.args[3]);
    ostd::Vector<std::byte> buf;
    TRY(buf.resize(size));
    ostd::VmWriter w = ostd::VmWriter::from_kernel(buf.span());
    ostd::VmWriter* out = size ? &w : nullptr;
    size_t n;
    if (t == Target::kFd) {
        n = TRY(vfs::fgetxattr(c, a.as_int(0), name.view(), out));
    } else {
        ostd::String path = TRY(path_arg(ctx, a.args[0]));
        n = TRY(vfs::getxattr(c, path.view(), t == Target::kPath, name.view(), out));
    }
    if (size) TRY(copy_to_user(ctx, a.args[2], buf.data(), n));
    return int64_t(n);
}

Result<int64_t> do_set(SyscallContext& ctx, const SyscallArgs& a, Target t) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    ostd::String name = TRY(xattr_name(ctx, a.args[1]));
    if (a.args[3] > kXattrSizeMax) return Error(E2BIG, "xattr value too large");
    size_t size = size_t(a.args[3]);
    ostd::Vector<std::byte> buf;
    TRY(buf.resize(size));
    if (size) TRY(copy_from_user(ctx, a.args[2], buf.data(), size));
    if (t == Target::kFd) {
        TRY(vfs::fsetxattr(c, a.as_int(0), name.view(), buf.span(), a.as_int(4)));
    } else {
        ostd::String path = TRY(path_arg(ctx, a.args[0]));
        TRY(vfs::setxattr(c, path.view(), t == Target::kPath, name.view(), buf.span(),
                          a.as_int(4)));
    }
    return 0;
}

Result<int64_t> do_list(SyscallContext& ctx, const SyscallArgs& a, Target t) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    size_t size = a.args[2] > kXattrSizeMax ? kXattrSizeMax : size_t(a.args[2]);
    ostd::Vector<std::byte> buf;
    TRY(buf.resize(size));
    ostd::VmWriter w = ostd::VmWriter::from_kernel(buf.span());
    ostd::VmWriter* out = size ? &w : nullptr;
    size_t n;
    if (t == Target::kFd) {
        n = TRY(vfs::flistxattr(c, a.as_int(0), out));
    } else {
        ostd::String path = TRY(path_arg(ctx, a.args[0]));
        n = TRY(vfs::listxattr(c, path.view(), t == Target::kPath, out));
    }
    if (size) TRY(copy_to_user(ctx, a.args[1], buf.data(), n));
    return int64_t(n);
}

Result<int64_t> do_remove(SyscallContext& ctx, const SyscallArgs& a, Target t) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    ostd::String name = TRY(xattr_name(ctx, a.args[1]));
    if (t == Target::kFd) {
        TRY(vfs::fremovexattr(c, a.as_int(0), name.view()));
    } else {
        ostd::String path = TRY(path_arg(ctx, a.args[0]));
        TRY(vfs::removexattr(c, path.view(), t == Target::kPath, name.view()));
    }
    return 0;
}

}  // namespace

Result<int64_t> sys_getxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_get(ctx, a, Target::kPath);
}
Result<int64_t> sys_lgetxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_get(ctx, a, Target::kLink);
}
Result<int64_t> sys_fgetxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_get(ctx, a, Target::kFd);
}
Result<int64_t> sys_setxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_set(ctx, a, Target::kPath);
}
Result<int64_t> sys_lsetxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_set(ctx, a, Target::kLink);
}
Result<int64_t> sys_fsetxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_set(ctx, a, Target::kFd);
}
Result<int64_t> sys_listxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_list(ctx, a, Target::kPath);
}
Result<int64_t> sys_llistxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_list(ctx, a, Target::kLink);
}
Result<int64_t> sys_flistxattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_list(ctx, a, Target::kFd);
}
Result<int64_t> sys_removexattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_remove(ctx, a, Target::kPath);
}
Result<int64_t> sys_lremovexattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_remove(ctx, a, Target::kLink);
}
Result<int64_t> sys_fremovexattr(SyscallContext& ctx, const SyscallArgs& a) {
    return do_remove(ctx, a, Target::kFd);
}

}  // namespace kernel::syscall
