// Descriptor syscalls: dup, dup2, dup3, fcntl, ioctl, pipe, pipe2.
#include <kernel/abi/fcntl.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace o = abi::open;
namespace vfs = fs::vfs;

Result<int64_t> sys_dup(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    return TRY(env.files->fds->dup(a.as_int(0), 0, fs::CloseOnExec::kNo, c.nofile_limit));
}
Result<int64_t> sys_dup2(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    return TRY(env.files->fds->dup2(a.as_int(0), a.as_int(1), c.nofile_limit));
}
Result<int64_t> sys_dup3(SyscallContext& ctx, const SyscallArgs& a) {
    uint32_t flags = a.as_uint(2);
    if (flags & ~o::kCloexec) return Error(EINVAL, "bad dup3 flags");
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    return TRY(env.files->fds->dup3(
        a.as_int(0), a.as_int(1),
        (flags & o::kCloexec) ? fs::CloseOnExec::kYes : fs::CloseOnExec::kNo, c.nofile_limit));
}

Result<int64_t> sys_fcntl(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    int cmd = a.as_int(1);
    uint64_t arg = a.args[2];
    if (cmd == abi::fcntl::kGetlk || cmd == abi::fcntl::kSetlk || cmd == abi::fcntl::kSetlkw) {
        abi::Flock fl = TRY(read_user<abi::Flock>(ctx, arg));
        TRY(vfs::record_lock(env.caller(), a.as_int(0), cmd, fl));
        if (cmd == abi::fcntl::kGetlk) TRY(write_user(ctx, arg, fl));
        return 0;
    }
    if (cmd == abi::fcntl::kDupfd || cmd == abi::fcntl::kDupfdCloexec ||
        cmd == abi::fcntl::kSetfd || cmd == abi::fcntl::kSetfl || cmd == abi::fcntl::kSetpipeSz)
        arg = a.as_uint(2);  // int arguments: upper bits are garbage
    return TRY(vfs::fcntl(env.caller(), a.as_int(0), cmd, arg));
}

namespace {
class UserIoctlIo final : public fs::IoctlIo {
public:
    explicit UserIoctlIo(SyscallContext& ctx) : ctx_(ctx) {}
    Result<void> copy_out(uint64_t addr, std::span<const std::byte> src) override {
        return copy_to_user(ctx_, addr, src.data(), src.size());
    }
    Result<void> copy_in(uint64_t addr, std::span<std::byte> dst) override {
        return copy_from_user(ctx_, addr, dst.data(), dst.size());
    }

private:
    SyscallContext& ctx_;
};
}  // namespace

Result<int64_t> sys_ioctl(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    UserIoctlIo io(ctx);
    return TRY(vfs::ioctl(env.caller(), a.as_int(0), a.as_uint(1), a.args[2], io));
}

Result<int64_t> sys_pipe2(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    vfs::FdPair p = TRY(vfs::pipe2(c, a.as_uint(1)));
    int32_t fds[2] = {p.read_fd, p.write_fd};
    auto w = copy_to_user(ctx, a.args[0], fds, sizeof fds);
    if (w.is_error()) {
        (void)vfs::close(c, p.read_fd);
        (void)vfs::close(c, p.write_fd);
        return w.error();
    }
    return 0;
}
Result<int64_t> sys_pipe(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {a.args[0], 0}};
    return sys_pipe2(ctx, b);
}

}  // namespace kernel::syscall
