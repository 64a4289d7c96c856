// Readiness syscalls: poll, ppoll, select, pselect6, epoll_create(1), epoll_ctl,
// epoll_wait, epoll_pwait(2), eventfd, eventfd2. ppoll/pselect6/epoll_pwait(2) install their
// signal mask for the wait; an interrupting signal is handled with it still in place.
#include <optional>

#include <kernel/abi/io.h>
#include <kernel/abi/signal.h>
#include <kernel/abi/time.h>
#include <kernel/signal/ops.h>
#include <kernel/syscall/fs_common.h>
#include <kernel/syscall/handlers.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/timer/timer.h>

namespace kernel::syscall {

using ostd::Error;
using ostd::Result;
namespace vfs = fs::vfs;
namespace pl = abi::poll;

namespace {

constexpr uint64_t kNs = ostd::time::kNsPerSec;

Result<uint64_t> timeout_from_timespec(SyscallContext& ctx, uint64_t uts) {
    if (!uts) return ostd::kNoTimeout;
    abi::Timespec ts = TRY(read_user<abi::Timespec>(ctx, uts));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= int64_t(kNs)) return Error(EINVAL);
    if (uint64_t(ts.tv_sec) > (ostd::kNoTimeout - 1) / kNs - 1) return ostd::kNoTimeout;
    return uint64_t(ts.tv_sec) * kNs + uint64_t(ts.tv_nsec);
}

uint64_t timeout_from_ms(int ms) {
    return ms < 0 ? ostd::kNoTimeout : uint64_t(ms) * 1'000'000;
}

/// Interrupted waits: poll and select are not restarted after a handler (ERESTARTNOHAND).
Error interrupted(Error e) {
    return e.code() == EINTR ? Error(ERESTARTNOHAND) : e;
}

/// The sigmask argument of ppoll/pselect6/epoll_pwait: none when null; EINVAL for a size
/// other than 8, EFAULT.
Result<std::optional<abi::SigSet>> read_sigmask(SyscallContext& ctx, uint64_t uset,
                                                uint64_t size) {
    if (!uset) return std::optional<abi::SigSet>();
    if (size != abi::kSigSetSize) return Error(EINVAL, "bad sigsetsize");
    return std::optional<abi::SigSet>(TRY(read_user<abi::SigSet>(ctx, uset)));
}

/// Runs `wait` with `mask` installed (when given); `interrupted` is the error that means a
/// signal cut the wait short, so the mask stays until that signal is handled.
template <typename Wait>
Result<int64_t> with_mask(SyscallContext& ctx, std::optional<abi::SigSet> mask, int interrupted,
                          Wait&& wait) {
    if (!mask || !ctx.thread) return wait();
    TRY(signal::begin_wait_mask(*ctx.thread, *mask));
    Result<int64_t> r = wait();
    signal::end_wait_mask(*ctx.thread, r.is_error() && r.error().code() == interrupted);
    return r;
}

Result<int64_t> do_poll(SyscallContext& ctx, uint64_t ufds, uint64_t nfds, uint64_t timeout_ns) {
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    if (nfds > c.nofile_limit) return Error(EINVAL, "nfds over RLIMIT_NOFILE");
    ostd::Vector<abi::Pollfd> fds;
    TRY(fds.reserve(nfds));
    for (size_t i = 0; i < nfds; ++i)
        MUST(fds.push_back(abi::Pollfd{}));
    if (nfds) TRY(copy_from_user(ctx, ufds, fds.data(), nfds * sizeof(abi::Pollfd)));
    auto n = vfs::poll(c, fds.span(), timeout_ns);
    if (n.is_error()) return interrupted(n.error());
    if (nfds) TRY(copy_to_user(ctx, ufds, fds.data(), nfds * sizeof(abi::Pollfd)));
    return n.value();
}

}  // namespace

Result<int64_t> sys_poll(SyscallContext& ctx, const SyscallArgs& a) {
    return do_poll(ctx, a.args[0], a.as_uint(1), timeout_from_ms(a.as_int(2)));
}

Result<int64_t> sys_ppoll(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t t = TRY(timeout_from_timespec(ctx, a.args[2]));
    auto mask = TRY(read_sigmask(ctx, a.args[3], a.args[4]));
    return with_mask(ctx, mask, ERESTARTNOHAND,
                     [&] { return do_poll(ctx, a.args[0], a.as_uint(1), t); });
}

namespace {

constexpr uint32_t kInSet = pl::kIn | pl::kRdnorm | pl::kRdband | pl::kHup | pl::kErr;
constexpr uint32_t kOutSet = pl::kOut | pl::kWrnorm | pl::kWrband | pl::kErr;
constexpr uint32_t kExSet = pl::kPri;

Result<int64_t> do_select(SyscallContext& ctx, int nfds, uint64_t uin, uint64_t uout, uint64_t uex,
                          uint64_t timeout_ns) {
    if (nfds < 0) return Error(EINVAL, "negative nfds");
    FsEnv env = TRY(fs_env(ctx));
    auto c = env.caller();
    if (uint64_t(nfds) > c.nofile_limit) nfds = int(c.nofile_limit);
    size_t words = (size_t(nfds) + 63) / 64;
    ostd::Vector<uint64_t> sets[3];
    uint64_t addrs[3] = {uin, uout, uex};
    for (int s = 0; s < 3; ++s) {
        TRY(sets[s].reserve(words));
        for (size_t i = 0; i < words; ++i)
            MUST(sets[s].push_back(0));
        if (addrs[s] && words) TRY(copy_from_user(ctx, addrs[s], sets[s].data(), words * 8));
    }
    ostd::Vector<abi::Pollfd> fds;
    for (int fd = 0; fd < nfds; ++fd) {
        uint32_t ev = 0;
        auto bit = [&](int s) { return (sets[s][size_t(fd) / 64] >> (fd % 64)) & 1; };
        if (bit(0)) ev |= kInSet;
        if (bit(1)) ev |= kOutSet;
        if (bit(2)) ev |= kExSet;
        if (!ev) continue;
        TRY(env.files->fds->get(fd));  // EBADF for a closed fd in any set
        TRY(fds.push_back(abi::Pollfd{fd, int16_t(ev), 0}));
    }
    auto n = vfs::poll(c, fds.span(), timeout_ns);
    if (n.is_error()) return interrupted(n.error());
    for (auto& s : sets)
        for (uint64_t& w : s)
            w = 0;
    int64_t count = 0;
    for (const abi::Pollfd& p : fds) {
        uint32_t want = uint16_t(p.events), got = uint16_t(p.revents);
        const uint32_t masks[3] = {kInSet, kOutSet, kExSet};
        for (int s = 0; s < 3; ++s) {
            if ((want & masks[s]) && (got & masks[s])) {
                sets[s][size_t(p.fd) / 64] |= uint64_t(1) << (p.fd % 64);
                ++count;
            }
        }
    }
    for (int s = 0; s < 3; ++s)
        if (addrs[s] && words) TRY(copy_to_user(ctx, addrs[s], sets[s].data(), words * 8));
    return count;
}

}  // namespace

Result<int64_t> sys_select(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t t = ostd::kNoTimeout;
    if (a.args[4]) {
        struct Timeval {
            int64_t sec, usec;
        };
        Timeval tv = TRY(read_user<Timeval>(ctx, a.args[4]));
        if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1'000'000) return Error(EINVAL);
        t = uint64_t(tv.sec) * kNs + uint64_t(tv.usec) * 1000;
    }
    return do_select(ctx, a.as_int(0), a.args[1], a.args[2], a.args[3], t);
}

Result<int64_t> sys_pselect6(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t t = TRY(timeout_from_timespec(ctx, a.args[4]));
    std::optional<abi::SigSet> mask;
    if (a.args[5]) {
        // The sixth argument points at { const sigset_t* ss; size_t ss_len; }.
        struct SigsetArg {
            uint64_t ss, ss_len;
        };
        SigsetArg arg = TRY(read_user<SigsetArg>(ctx, a.args[5]));
        mask = TRY(read_sigmask(ctx, arg.ss, arg.ss_len));
    }
    return with_mask(ctx, mask, ERESTARTNOHAND, [&] {
        return do_select(ctx, a.as_int(0), a.args[1], a.args[2], a.args[3], t);
    });
}

Result<int64_t> sys_epoll_create1(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    return TRY(vfs::epoll_create1(env.caller(), a.as_uint(0)));
}
Result<int64_t> sys_epoll_create(SyscallContext& ctx, const SyscallArgs& a) {
    if (a.as_int(0) <= 0) return Error(EINVAL, "epoll_create size must be positive");
    SyscallArgs b{a.nr, {0}};
    return sys_epoll_create1(ctx, b);
}

Result<int64_t> sys_epoll_ctl(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    abi::EpollEvent ev{};
    const abi::EpollEvent* pev = nullptr;
    if (a.as_int(1) != abi::epoll::kCtlDel) {
        ev = TRY(read_user<abi::EpollEvent>(ctx, a.args[3]));
        pev = &ev;
    }
    TRY(vfs::epoll_ctl(env.caller(), a.as_int(0), a.as_int(1), a.as_int(2), pev));
    return 0;
}

namespace {

Result<int64_t> do_epoll_wait(SyscallContext& ctx, const SyscallArgs& a, uint64_t timeout_ns) {
    int max = a.as_int(2);
    if (max <= 0 || max > 65536) return Error(EINVAL, "bad maxevents");
    FsEnv env = TRY(fs_env(ctx));
    ostd::Vector<abi::EpollEvent> out;
    TRY(out.reserve(size_t(max)));
    for (int i = 0; i < max; ++i)
        MUST(out.push_back(abi::EpollEvent{}));
    auto n = vfs::epoll_wait(env.caller(), a.as_int(0), out.span(), timeout_ns);
    if (n.is_error()) return n.error();
    if (n.value())
        TRY(copy_to_user(ctx, a.args[1], out.data(), size_t(n.value()) * sizeof(abi::EpollEvent)));
    return n.value();
}

}  // namespace

Result<int64_t> sys_epoll_wait(SyscallContext& ctx, const SyscallArgs& a) {
    return do_epoll_wait(ctx, a, timeout_from_ms(a.as_int(3)));
}
Result<int64_t> sys_epoll_pwait(SyscallContext& ctx, const SyscallArgs& a) {
    auto mask = TRY(read_sigmask(ctx, a.args[4], a.args[5]));
    uint64_t t = timeout_from_ms(a.as_int(3));
    return with_mask(ctx, mask, EINTR, [&] { return do_epoll_wait(ctx, a, t); });
}
Result<int64_t> sys_epoll_pwait2(SyscallContext& ctx, const SyscallArgs& a) {
    uint64_t t = TRY(timeout_from_timespec(ctx, a.args[3]));  // null: wait forever
    auto mask = TRY(read_sigmask(ctx, a.args[4], a.args[5]));
    return with_mask(ctx, mask, EINTR, [&] { return do_epoll_wait(ctx, a, t); });
}

Result<int64_t> sys_eventfd2(SyscallContext& ctx, const SyscallArgs& a) {
    FsEnv env = TRY(fs_env(ctx));
    return TRY(vfs::eventfd2(env.caller(), a.as_uint(0), a.as_uint(1)));
}
Result<int64_t> sys_eventfd(SyscallContext& ctx, const SyscallArgs& a) {
    SyscallArgs b{a.nr, {a.args[0], 0}};
    return sys_eventfd2(ctx, b);
}

}  // namespace kernel::syscall
