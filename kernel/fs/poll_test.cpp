// poll, epoll and eventfd: readiness, timeouts, wake-ups from other tasks, edge/oneshot modes,
// eventfd counter and semaphore semantics.
#include <kernel/fs/epoll.h>
#include <kernel/fs/eventfd.h>

#include <atomic>

#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
namespace pl = abi::poll;
namespace ep = abi::epoll;
constexpr int kCwd = abi::at::kFdcwd;
constexpr uint64_t kMs = ostd::time::kNsPerMs;

ostd::Result<uint64_t> read_u64(const vfs::Caller& c, int fd) {
    uint64_t v = 0;
    auto w = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<uint64_t>(&v, 1)));
    TRY(vfs::read(c, fd, w));
    return v;
}
ostd::Result<size_t> write_u64(const vfs::Caller& c, int fd, uint64_t v) {
    auto r = ostd::VmReader::from_kernel(std::as_bytes(std::span<const uint64_t>(&v, 1)));
    return vfs::write(c, fd, r);
}

TEST(Poll, ReadinessTimeoutsAndNval) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        auto p = MUST(vfs::pipe2(c, 0));
        put_file(c, "/f", "x");
        int f = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        abi::Pollfd fds[4] = {
            {p.read_fd, pl::kIn, 0}, {p.write_fd, pl::kOut, 0}, {f, pl::kIn, 0}, {-1, pl::kIn, 0}};
        EXPECT_EQ(MUST(vfs::poll(c, fds, 0)), 2);
        EXPECT_EQ(fds[0].revents, 0);
        EXPECT_EQ(fds[1].revents & pl::kOut, pl::kOut);
        EXPECT_EQ(fds[2].revents, pl::kIn);
        EXPECT_EQ(fds[3].revents, 0);
        abi::Pollfd only_read[1] = {{p.read_fd, pl::kIn, 0}};
        uint64_t t0 = ostd::time::now();
        EXPECT_EQ(MUST(vfs::poll(c, only_read, 3 * kMs)), 0);
        EXPECT_GE(ostd::time::now() - t0, 3 * kMs);
        MUST(write_str(c, p.write_fd, "z"));
        EXPECT_EQ(MUST(vfs::poll(c, only_read, ostd::kNoTimeout)), 1);
        EXPECT_EQ(only_read[0].revents & pl::kIn, pl::kIn);
        MUST(vfs::close(c, p.write_fd));
        MUST(read_str(c, p.read_fd));
        EXPECT_EQ(MUST(vfs::poll(c, only_read, 0)), 1);
        EXPECT_EQ(only_read[0].revents, pl::kHup);
        abi::Pollfd closed[1] = {{77, pl::kIn, 0}};
        EXPECT_EQ(MUST(vfs::poll(c, closed, 0)), 1);
        EXPECT_EQ(closed[0].revents, pl::kNval);
    });
}

TEST(Poll, WakesOnWriteFromAnotherTaskAndOnInterrupt) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            auto p = MUST(vfs::pipe2(c, 0));
            auto writer = MUST(ostd::spawn([&] {
                ostd::sleep_for(2 * kMs);
                MUST(write_str(c, p.write_fd, "go"));
                return 0;
            }));
            abi::Pollfd fds[1] = {{p.read_fd, pl::kIn, 0}};
            EXPECT_EQ(MUST(vfs::poll(c, fds, ostd::kNoTimeout)), 1);
            MUST(writer->join());
            MUST(read_str(c, p.read_fd));
            std::atomic<int> res{0};
            auto poller = MUST(ostd::spawn([&] {
                abi::Pollfd f2[1] = {{p.read_fd, pl::kIn, 0}};
                auto r = vfs::poll(c, f2, ostd::kNoTimeout);
                res = r.is_ok() ? r.value() : -r.error().code();
                return 0;
            }));
            ostd::sleep_for(2 * kMs);
            poller->interrupt();
            MUST(poller->join());
            EXPECT_EQ(res.load(), -EINTR);
        },
        orrery::testing::small_machine(2));
}

TEST(Eventfd, CounterSemaphoreAndErrors) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        int e = MUST(vfs::eventfd2(c, 3, o::kNonblock));
        EXPECT_EQ(MUST(read_u64(c, e)), 3u);
        EXPECT_EQ(err(read_u64(c, e)), EAGAIN);
        MUST(write_u64(c, e, 5));
        MUST(write_u64(c, e, 6));
        EXPECT_EQ(MUST(read_u64(c, e)), 11u);
        EXPECT_EQ(err(write_u64(c, e, ~uint64_t(0))), EINVAL);
        MUST(write_u64(c, e, ~uint64_t(0) - 1));
        EXPECT_EQ(err(write_u64(c, e, 1)), EAGAIN);
        EXPECT_EQ(err(read_str(c, e, 4)), EINVAL);
        int s = MUST(vfs::eventfd2(c, 2, kEfdSemaphore | o::kNonblock | o::kCloexec));
        EXPECT_TRUE(MUST(w.fds->cloexec(s)));
        EXPECT_EQ(MUST(read_u64(c, s)), 1u);
        EXPECT_EQ(MUST(read_u64(c, s)), 1u);
        EXPECT_EQ(err(read_u64(c, s)), EAGAIN);
        EXPECT_EQ(err(vfs::eventfd2(c, 0, 0x40)), EINVAL);
        abi::Pollfd fds[1] = {{s, pl::kIn | pl::kOut, 0}};
        EXPECT_EQ(MUST(vfs::poll(c, fds, 0)), 1);
        EXPECT_EQ(fds[0].revents & (pl::kIn | pl::kOut), pl::kOut);
    });
}

TEST(Epoll, LevelEdgeOneshotAndErrors) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        int epfd = MUST(vfs::epoll_create1(c, ep::kCloexec));
        EXPECT_TRUE(MUST(w.fds->cloexec(epfd)));
        auto p = MUST(vfs::pipe2(c, o::kNonblock));
        int e = MUST(vfs::eventfd2(c, 0, o::kNonblock));
        abi::EpollEvent in{ep::kIn, 111};
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, p.read_fd, &in));
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, p.read_fd, &in)), EEXIST);
        abi::EpollEvent et{ep::kIn | ep::kEt, 222};
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, e, &et));
        abi::EpollEvent out[4];
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 0);
        MUST(write_str(c, p.write_fd, "a"));
        MUST(write_u64(c, e, 1));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 2);
        // Level-triggered stays ready; edge-triggered reports once per change.
        int n = MUST(vfs::epoll_wait(c, epfd, out, 0));
        ASSERT_EQ(n, 1);
        EXPECT_EQ(uint64_t{out[0].data}, 111u);
        MUST(write_u64(c, e, 1));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 2);
        // ONESHOT: reported once until re-armed with MOD.
        abi::EpollEvent once{ep::kIn | ep::kOneshot, 333};
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlMod, p.read_fd, &once));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 1);
        EXPECT_EQ(uint64_t{out[0].data}, 333u);
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 0);
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlMod, p.read_fd, &once));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 1);
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlDel, p.read_fd, nullptr));
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlDel, p.read_fd, nullptr)), ENOENT);
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlMod, p.read_fd, &in)), ENOENT);
        put_file(c, "/f", "");
        int f = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, f, &in)), EPERM);
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, epfd, &in)), EINVAL);
        EXPECT_EQ(err(vfs::epoll_ctl(c, f, ep::kCtlAdd, e, &in)), EINVAL);
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, 9, e, &in)), EINVAL);
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, 99, &in)), EBADF);
        EXPECT_EQ(err(vfs::epoll_wait(c, epfd, std::span<abi::EpollEvent>(), 0)), EINVAL);
        EXPECT_EQ(err(vfs::epoll_create1(c, 1)), EINVAL);
    });
}

// Linux drops an epoll registration when the watched file description is released (its last
// descriptor closed), not when one fd closes; the item itself keeps nothing alive.
TEST(Epoll, RegistrationsEndWithTheFileDescription) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        int epfd = MUST(vfs::epoll_create1(c, 0));
        auto p = MUST(vfs::pipe2(c, o::kNonblock));
        abi::EpollEvent in{ep::kIn, 1}, out_ev{ep::kOut, 2};
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, p.read_fd, &in));
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, p.write_fd, &out_ev));
        abi::EpollEvent out[4];
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 1);  // the writable end
        // Closing the last writer: the reader sees EOF (EPOLLHUP) and the writer's item is gone.
        MUST(vfs::close(c, p.write_fd));
        ASSERT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 0)), 1);
        EXPECT_EQ(uint64_t{out[0].data}, 1u);
        EXPECT_EQ(out[0].events, uint32_t(ep::kHup));
        EXPECT_EQ(err(vfs::epoll_ctl(c, epfd, ep::kCtlDel, p.write_fd, nullptr)), EBADF);

        // A dup keeps the description (and its registration) alive; the last close ends it.
        int e = MUST(vfs::eventfd2(c, 0, o::kNonblock));
        int e2 = MUST(w.fds->dup(e, 0, CloseOnExec::kNo, 1024));
        abi::EpollEvent ev{ep::kIn, 3};
        MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, e, &ev));
        MUST(write_u64(c, e2, 1));
        MUST(vfs::close(c, e));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 4)), 2);  // still reported via the dup
        MUST(vfs::close(c, e2));
        ASSERT_EQ(MUST(vfs::epoll_wait(c, epfd, out, 4)), 1);  // only the pipe's HUP is left
        EXPECT_EQ(uint64_t{out[0].data}, 1u);

        // Nested: an epoll watching an epoll loses the item when the inner one closes, and
        // closing an instance before the files it watches leaves them usable.
        int outer = MUST(vfs::epoll_create1(c, 0));
        abi::EpollEvent nested{ep::kIn, 4};
        MUST(vfs::epoll_ctl(c, outer, ep::kCtlAdd, epfd, &nested));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, outer, out, 0)), 1);
        MUST(vfs::close(c, epfd));
        EXPECT_EQ(MUST(vfs::epoll_wait(c, outer, out, 0)), 0);
        MUST(vfs::close(c, outer));
        EXPECT_EQ(MUST(read_str(c, p.read_fd)), "");  // EOF, the pipe still works
        MUST(vfs::close(c, p.read_fd));
    });
}

TEST(Epoll, BlockingWaitWokenByWriter) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            int epfd = MUST(vfs::epoll_create1(c, 0));
            auto p = MUST(vfs::pipe2(c, 0));
            abi::EpollEvent in{ep::kIn, 7};
            MUST(vfs::epoll_ctl(c, epfd, ep::kCtlAdd, p.read_fd, &in));
            auto writer = MUST(ostd::spawn([&] {
                ostd::sleep_for(2 * kMs);
                MUST(write_str(c, p.write_fd, "x"));
                return 0;
            }));
            abi::EpollEvent out[2];
            EXPECT_EQ(MUST(vfs::epoll_wait(c, epfd, out, ostd::kNoTimeout)), 1);
            EXPECT_EQ(uint64_t{out[0].data}, 7u);
            MUST(writer->join());
            // The epoll fd is itself pollable.
            abi::Pollfd pf[1] = {{epfd, pl::kIn, 0}};
            EXPECT_EQ(MUST(vfs::poll(c, pf, 0)), 1);
        },
        orrery::testing::small_machine(2));
}

}  // namespace
}  // namespace kernel::fs
