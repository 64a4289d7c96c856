// open(2) family: open, openat, openat2, creat, close, close_range.
#include <kernel/abi/fcntl.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace o = abi::open;
namespace vfs = fs::vfs;

namespace {
Result<int64_t> do_open(SyscallContext& ctx, int dirfd, uint64_t upath, uint32_t flags,
                        uint32_t mode, uint64_t resolve = 0) {
    FsEnv env = TRY(fs_env(ctx));
    ostd::String path = TRY(path_arg(ctx, upath));
    return TRY(vfs::open_at(env.caller(), dirfd, path.view(), flags, mode, resolve));
}
}  // namespace

Result<int64_t> sys_open(SyscallContext& ctx, const SyscallArgs& a) {
    return do_open(ctx, abi::at::kFdcwd, a.args[0], a.as_uint(1), a.as_uint(2));
}

Result<int64_t> sys_openat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_open(ctx, a.as_int(0), a.args[1], a.as_uint(2), a.as_uint(3));
}

Result<int64_t> sys_creat(SyscallContext& ctx, const SyscallArgs& a) {
    return do_open(ctx, abi::at::kFdcwd, a.args[0], o::kCreat | o::kWronly | o::kTrunc,
                   a.as_uint(1));
}

Result<int64_t> sys_openat2(SyscallContext& ctx, const SyscallArgs& a) {
    struct OpenHow {
        uint64_t flags, mode, resolve;
    };
    // copy_struct_from_user: at least version 0 (24 bytes), at most a page (E2BIG), and any
    // bytes past the struct we know must be zero (E2BIG).
    uint64_t size = a.args[3];
    if (size < sizeof(OpenHow)) return Error(EINVAL, "open_how too small");
    if (size > 4096) return Error(E2BIG, "open_how too large");
    OpenHow how = TRY(read_user<OpenHow>(ctx, a.args[2]));
    for (uint64_t off = sizeof(OpenHow); off < size; off += 8) {
        uint8_t tail[8] = {};
        size_t n = size - off < 8 ? size_t(size - off) : 8;
        TRY(copy_from_user(ctx, a.args[2] + off, tail, n));
        for (size_t i = 0; i < n; ++i)
            if (tail[i]) return Error(E2BIG, "unknown open_how fields set");
    }
    constexpr uint64_t kValid = 037777777ull;
    if (how.flags & ~kValid) return Error(EINVAL, "unknown open flags");
    if (how.mode & ~uint64_t(07777)) return Error(EINVAL, "bad mode");
    if (how.mode && !(how.flags & (o::kCreat | o::kTmpfileBit))) return Error(EINVAL);
    if ((how.flags & o::kPath) &&
        (how.flags & ~uint64_t(o::kPath | o::kDirectory | o::kNofollow | o::kCloexec)))
        return Error(EINVAL, "O_PATH with other flags");
    return do_open(ctx, a.as_int(0), a.args[1], uint32_t(how.flags), uint32_t(how.mode),
                   how.resolve);
}

Result<int64_t> sys_close(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(vfs::close(env.caller(), a.as_int(0)));
    return 0;
}

Result<int64_t> sys_close_range(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    TRY(env.files->fds->close_range(a.as_uint(0), a.as_uint(1), a.as_uint(2)));
    return 0;
}

}  // namespace kernel::syscall
