// Data syscalls: read, write, pread64, pwrite64, readv, writev, preadv, pwritev, lseek,
// sendfile, copy_file_range.
#include <kernel/abi/io.h>
#include <kernel/process/process.h>
#include <kernel/signal/signal.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace vfs = fs::vfs;

namespace {

constexpr uint64_t kMaxRw = 0x7ffff000;  // MAX_RW_COUNT

uint64_t clamp(uint64_t n) {
    return n > kMaxRw ? kMaxRw : n;
}

enum class Dir { kRead, kWrite };

/// One buffer of a read/write: positional when off >= 0.
Result<size_t> one(SyscallContext& ctx, const vfs::Caller& c, Dir dir, int fd, uint64_t buf,
                   uint64_t len, int64_t off) {
    if (dir == Dir::kRead) {
        ostd::VmWriter w = TRY(user_writer(ctx, buf, len));
        return off >= 0 ? vfs::pread(c, fd, w, off) : vfs::read(c, fd, w);
    }
    ostd::VmReader r = TRY(user_reader(ctx, buf, len));
    auto written = off >= 0 ? vfs::pwrite(c, fd, r, off) : vfs::write(c, fd, r);
    // A write to a pipe or FIFO without readers raises SIGPIPE as well (man 7 pipe).
    if (written.is_error() && written.error().code() == EPIPE && ctx.thread) {
        constexpr int kSigPipe = 13, kSiUser = 0;
        (void)signal::send_signal_to_thread(
            *ctx.thread, kSigPipe,
            signal::make_info(kSigPipe, kSiUser, ctx.process->pid(),
                              ctx.process->creds().uids().real));
    }
    return written;
}

/// readv/writev family: stops at the first short transfer; an error after progress returns
/// the progress.
Result<int64_t> vectored(SyscallContext& ctx, Dir dir, int fd, uint64_t iov, int64_t cnt,
                         int64_t off) {
    if (cnt < 0 || cnt > abi::kIovMax) return Error(EINVAL, "bad iovcnt");
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    TRY(env.files->fds->get(fd));  // EBADF before EFAULT, as Linux
    abi::Iovec vecs[64];
    uint64_t total = 0;
    size_t done = 0;
    for (int64_t base = 0; base < cnt; base += 64) {
        size_t n = size_t(cnt - base < 64 ? cnt - base : 64);
        TRY(copy_from_user(ctx, iov + uint64_t(base) * sizeof(abi::Iovec), vecs,
                           n * sizeof vecs[0]));
        for (size_t i = 0; i < n; ++i) {
            if (int64_t(vecs[i].iov_len) < 0) return Error(EINVAL, "negative iov_len");
            total += vecs[i].iov_len;
            if (total > uint64_t(INT64_MAX)) return Error(EINVAL, "iov total overflows");
        }
        for (size_t i = 0; i < n; ++i) {
            uint64_t len = clamp(vecs[i].iov_len);
            if (len == 0) continue;
            auto r =
                one(ctx, c, dir, fd, vecs[i].iov_base, len, off >= 0 ? off + int64_t(done) : -1);
            if (r.is_error()) {
                if (done) return int64_t(done);
                return r.release_error();
            }
            done += r.value();
            if (r.value() < len) return int64_t(done);
        }
    }
    if (cnt == 0 || total == 0) {
        // Zero-length transfers still check the descriptor's mode.
        auto r = one(ctx, c, dir, fd, 0, 0, off);
        if (r.is_error()) return r.release_error();
    }
    return int64_t(done);
}

Result<int64_t> simple(SyscallContext& ctx, Dir dir, int fd, uint64_t buf, uint64_t len,
                       int64_t off) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    TRY(env.files->fds->get(fd));
    return int64_t(TRY(one(ctx, c, dir, fd, buf, clamp(len), off)));
}

}  // namespace

Result<int64_t> sys_read(SyscallContext& ctx, const SyscallArgs& a) {
    return simple(ctx, Dir::kRead, a.as_int(0), a.args[1], a.args[2], -1);
}
Result<int64_t> sys_write(SyscallContext& ctx, const SyscallArgs& a) {
    return simple(ctx, Dir::kWrite, a.as_int(0), a.args[1], a.args[2], -1);
}
Result<int64_t> sys_pread64(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_long(3) < 0) return Error(EINVAL);
    return simple(ctx, Dir::kRead, a.as_int(0), a.args[1], a.args[2], a.as_long(3));
}
Result<int64_t> sys_pwrite64(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_long(3) < 0) return Error(EINVAL);
    return simple(ctx, Dir::kWrite, a.as_int(0), a.args[1], a.args[2], a.as_long(3));
}
Result<int64_t> sys_readv(SyscallContext& ctx, const SyscallArgs& a) {
    return vectored(ctx, Dir::kRead, a.as_int(0), a.args[1], a.as_int(2), -1);
}
Result<int64_t> sys_writev(SyscallContext& ctx, const SyscallArgs& a) {
    return vectored(ctx, Dir::kWrite, a.as_int(0), a.args[1], a.as_int(2), -1);
}
Result<int64_t> sys_preadv(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_long(3) < 0) return Error(EINVAL);
    return vectored(ctx, Dir::kRead, a.as_int(0), a.args[1], a.as_int(2), a.as_long(3));
}
Result<int64_t> sys_pwritev(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_long(3) < 0) return Error(EINVAL);
    return vectored(ctx, Dir::kWrite, a.as_int(0), a.args[1], a.as_int(2), a.as_long(3));
}

Result<int64_t> sys_lseek(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    return TRY(vfs::lseek(env.caller(), a.as_int(0), a.as_long(1), a.as_int(2)));
}

Result<int64_t> sys_sendfile(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    int64_t off = 0;
    int64_t* poff = nullptr;
    if (a.args[2]) {
        off = TRY(read_user<int64_t>(ctx, a.args[2]));
        poff = &off;
    }
    size_t n = TRY(vfs::sendfile(env.caller(), a.as_int(0), a.as_int(1), poff, clamp(a.args[3])));
    if (poff) TRY(write_user(ctx, a.args[2], off));
    return int64_t(n);
}

Result<int64_t> sys_copy_file_range(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_uint(5) != 0) return Error(EINVAL, "copy_file_range flags must be 0");
    FsEnv env = TRY(fs_env(ctx));
    int64_t in_off = 0, out_off = 0;
    int64_t* pin = nullptr;
    int64_t* pout = nullptr;
    if (a.args[1]) {
        in_off = TRY(read_user<int64_t>(ctx, a.args[1]));
        pin = &in_off;
    }
    if (a.args[3]) {
        out_off = TRY(read_user<int64_t>(ctx, a.args[3]));
        pout = &out_off;
    }
    size_t n = TRY(
        vfs::copy_file_range(env.caller(), a.as_int(0), pin, a.as_int(2), pout, clamp(a.args[4])));
    if (pin) TRY(write_user(ctx, a.args[1], in_off));
    if (pout) TRY(write_user(ctx, a.args[3], out_off));
    return int64_t(n);
}

}  // namespace kernel::syscall
