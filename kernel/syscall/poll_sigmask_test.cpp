// ppoll, pselect6, epoll_pwait and epoll_pwait2 install their signal mask atomically for the
// wait: a signal blocked before the call and unblocked only by the temporary mask interrupts
// the wait (EINTR), its handler runs with the temporary mask, and the old mask is back after.
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include <gtest/gtest.h>

#include <kernel/signal/signal_test_util.inc>
#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;
using sigtest::bit;
using sigtest::current_mask;
using sigtest::kBadPtr;
using sigtest::set_handler;
using sigtest::set_mask;

// Scratch layout: [0] mask arguments, [8] mask seen by the handler, [16] handler runs,
// [24] the temporary mask, [32..48) pselect6's {ss, ss_len}, [64..) events and fd sets.
struct Fixture {
    ScriptedUser& u;
    uint64_t scratch;
    int rfd = -1, wfd = -1;

    explicit Fixture(ScriptedUser& user) : u(user), scratch(user.stack_alloc(256)) {
        for (int i = 0; i < 256; i += 8)
            u.write_u64(scratch + i, 0);
        uint64_t s = scratch;
        uint64_t handler = u.code_address([s](ScriptedUser& h) {
            h.syscall(SYS_rt_sigprocmask, 0, 0, s + 8, 8);
            h.write_u64(s + 16, h.read_u64(s + 16) + 1);
        });
        EXPECT_EQ(set_handler(u, SIGUSR1, handler), 0);
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGUSR1), scratch), 0);
        u.write_u64(scratch + 24, bit(SIGUSR2));  // The wait's mask unblocks SIGUSR1.
        uint64_t fds = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_pipe2, fds, 0), 0);
        rfd = int(u.read_u64(fds) & 0xffffffff);
        wfd = int(u.read_u64(fds) >> 32);
    }
    uint64_t temp_mask() const { return scratch + 24; }
    uint64_t runs() { return u.read_u64(scratch + 16); }
    // Makes SIGUSR1 pending while blocked.
    void raise() { EXPECT_EQ(u.syscall(SYS_kill, u.syscall(SYS_getpid), SIGUSR1), 0); }
    // After an interrupted wait: the handler ran once more with the wait's mask plus its own
    // signal, and the old mask is back.
    void expect_handled(uint64_t runs_before) {
        EXPECT_EQ(runs(), runs_before + 1);
        EXPECT_EQ(u.read_u64(scratch + 8), bit(SIGUSR1) | bit(SIGUSR2));
        EXPECT_EQ(current_mask(u, scratch), bit(SIGUSR1));
    }
};

TEST(PollSigmask, PpollAndPselect6) {
    int status = run_program(
        "ppoll_mask",
        [](ScriptedUser& u) {
            Fixture f(u);
            struct pollfd pfd {
                f.rfd, POLLIN, 0
            };
            uint64_t upfd = u.push(&pfd, sizeof pfd);
            uint64_t zero_ts = u.stack_alloc(16);
            u.write_u64(zero_ts, 0);
            u.write_u64(zero_ts + 8, 0);
            // No signal pending: the wait times out and the mask is restored at once.
            EXPECT_EQ(u.syscall(SYS_ppoll, upfd, 1, zero_ts, f.temp_mask(), 8), 0);
            EXPECT_EQ(current_mask(u, f.scratch), bit(SIGUSR1));
            // Errors leave the mask alone.
            EXPECT_EQ(u.syscall(SYS_ppoll, upfd, 1, zero_ts, f.temp_mask(), 7), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_ppoll, upfd, 1, zero_ts, kBadPtr, 8), -EFAULT);
            EXPECT_EQ(current_mask(u, f.scratch), bit(SIGUSR1));
            // Blocked and pending: only the temporary mask lets it in.
            f.raise();
            EXPECT_EQ(u.syscall(SYS_ppoll, upfd, 1, zero_ts, 0, 8), 0);  // still blocked
            EXPECT_EQ(f.runs(), 0u);
            EXPECT_EQ(u.syscall(SYS_ppoll, upfd, 1, 0, f.temp_mask(), 8), -EINTR);
            f.expect_handled(0);

            // pselect6: the sixth argument is { sigset pointer, size }.
            uint64_t rset = f.scratch + 64;
            uint64_t arg = f.scratch + 32;
            u.write_u64(arg, f.temp_mask());
            u.write_u64(arg + 8, 8);
            u.write_u64(rset, uint64_t{1} << f.rfd);
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, zero_ts, arg), 0);
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, zero_ts, kBadPtr), -EFAULT);
            u.write_u64(arg + 8, 4);
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, zero_ts, arg), -EINVAL);
            u.write_u64(arg + 8, 8);
            u.write_u64(arg, kBadPtr);
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, zero_ts, arg), -EFAULT);
            u.write_u64(arg, 0);  // A null sigset pointer: no mask change, a plain wait.
            u.write_u64(rset, uint64_t{1} << f.rfd);
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, zero_ts, arg), 0);
            EXPECT_EQ(current_mask(u, f.scratch), bit(SIGUSR1));
            u.write_u64(arg, f.temp_mask());
            u.write_u64(rset, uint64_t{1} << f.rfd);
            f.raise();
            EXPECT_EQ(u.syscall(SYS_pselect6, f.rfd + 1, rset, 0, 0, 0, arg), -EINTR);
            f.expect_handled(1);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(PollSigmask, EpollPwaitAndPwait2) {
    int status = run_program(
        "epoll_mask",
        [](ScriptedUser& u) {
            Fixture f(u);
            int ep = int(u.syscall(SYS_epoll_create1, 0));
            struct epoll_event ev {};
            ev.events = EPOLLIN;
            EXPECT_EQ(u.syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, f.rfd, u.push(&ev, sizeof ev)),
                      0);
            uint64_t events = f.scratch + 64;
            EXPECT_EQ(u.syscall(SYS_epoll_pwait, ep, events, 4, 0, f.temp_mask(), 8), 0);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait, ep, events, 4, 0, f.temp_mask(), 16), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait, ep, events, 4, 0, kBadPtr, 8), -EFAULT);
            EXPECT_EQ(current_mask(u, f.scratch), bit(SIGUSR1));
            f.raise();
            EXPECT_EQ(u.syscall(SYS_epoll_pwait, ep, events, 4, 0, 0, 8), 0);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait, ep, events, 4, -1, f.temp_mask(), 8), -EINTR);
            f.expect_handled(0);

            // epoll_pwait2: a timespec timeout (null waits forever).
            uint64_t ts = u.stack_alloc(16);
            u.write_u64(ts, 0);
            u.write_u64(ts + 8, 2'000'000'000);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait2, ep, events, 4, ts, f.temp_mask(), 8), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait2, ep, events, 4, kBadPtr, f.temp_mask(), 8),
                      -EFAULT);
            u.write_u64(ts + 8, 0);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait2, ep, events, 4, ts, f.temp_mask(), 8), 0);
            u.syscall(SYS_write, f.wfd, u.push_string("x"), 1);
            EXPECT_EQ(u.syscall(SYS_epoll_pwait2, ep, events, 4, ts, f.temp_mask(), 8), 1);
            u.syscall(SYS_read, f.rfd, u.stack_alloc(1), 1);
            f.raise();
            EXPECT_EQ(u.syscall(SYS_epoll_pwait2, ep, events, 4, 0, f.temp_mask(), 8), -EINTR);
            f.expect_handled(1);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
