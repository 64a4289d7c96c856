// POSIX record locks through vfs::record_lock: conflicts between owners, splitting, F_GETLK
// reports, blocking F_SETLKW and release on close.
#include <kernel/fs/file_lock.h>

#include <atomic>

#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
namespace fc = abi::fcntl;
constexpr int kCwd = abi::at::kFdcwd;

abi::Flock lk(int16_t type, int64_t start, int64_t len) {
    return abi::Flock{type, 0, start, len, 0};
}

TEST(RecordLocks, ConflictsSplitsAndGetlk) {
    in_kernel([] {
        World w = World::make();
        vfs::Caller a{*w.fs, w.creds, *w.fds, 1024, -1, 100};
        vfs::Caller b{*w.fs, w.creds, *w.fds, 1024, -1, 200};
        put_file(a, "/f", std::string(100, 'x'));
        int fd = MUST(vfs::open_at(a, kCwd, "/f", o::kRdwr, 0));
        int ro = MUST(vfs::open_at(a, kCwd, "/f", o::kRdonly, 0));
        abi::Flock l = lk(fc::kWrlck, 10, 20);
        MUST(vfs::record_lock(a, fd, fc::kSetlk, l));
        abi::Flock q = lk(fc::kRdlck, 25, 10);
        MUST(vfs::record_lock(b, fd, fc::kGetlk, q));
        EXPECT_EQ(q.l_type, fc::kWrlck);
        EXPECT_EQ(q.l_start, 10);
        EXPECT_EQ(q.l_len, 20);
        EXPECT_EQ(q.l_pid, 100);
        abi::Flock r = lk(fc::kRdlck, 25, 10);
        EXPECT_EQ(err(vfs::record_lock(b, fd, fc::kSetlk, r)), EAGAIN);
        abi::Flock r2 = lk(fc::kRdlck, 30, 10);  // just past the write lock
        MUST(vfs::record_lock(b, fd, fc::kSetlk, r2));
        // Unlocking the middle of A's lock splits it: 10..14 and 20..29 remain.
        abi::Flock u = lk(fc::kUnlck, 15, 5);
        MUST(vfs::record_lock(a, fd, fc::kSetlk, u));
        abi::Flock mid = lk(fc::kWrlck, 15, 5);
        MUST(vfs::record_lock(b, fd, fc::kGetlk, mid));
        EXPECT_EQ(mid.l_type, fc::kUnlck);
        abi::Flock tail = lk(fc::kWrlck, 20, 1);
        MUST(vfs::record_lock(b, fd, fc::kGetlk, tail));
        EXPECT_EQ(tail.l_start, 20);
        EXPECT_EQ(tail.l_len, 10);
        // Errors.
        abi::Flock wr_on_ro = lk(fc::kWrlck, 0, 1);
        EXPECT_EQ(err(vfs::record_lock(a, ro, fc::kSetlk, wr_on_ro)), EBADF);
        abi::Flock bad = lk(7, 0, 1);
        EXPECT_EQ(err(vfs::record_lock(a, fd, fc::kSetlk, bad)), EINVAL);
        abi::Flock neg = lk(fc::kRdlck, -5, 1);
        EXPECT_EQ(err(vfs::record_lock(a, fd, fc::kSetlk, neg)), EINVAL);
        // Closing any fd of the file drops A's locks.
        MUST(vfs::close(a, ro));
        abi::Flock now = lk(fc::kWrlck, 0, 0);
        MUST(vfs::record_lock(b, fd, fc::kGetlk, now));
        EXPECT_EQ(now.l_type, fc::kUnlck);  // A's locks are gone; B's own never conflict
        abi::Flock from_a = lk(fc::kWrlck, 0, 0);
        MUST(vfs::record_lock(a, fd, fc::kGetlk, from_a));
        EXPECT_EQ(from_a.l_pid, 200);
        EXPECT_EQ(from_a.l_start, 30);
    });
}

TEST(RecordLocks, SetlkwWaitsForRelease) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            vfs::Caller a{*w.fs, w.creds, *w.fds, 1024, -1, 100};
            vfs::Caller b{*w.fs, w.creds, *w.fds, 1024, -1, 200};
            put_file(a, "/f", "");
            int fd = MUST(vfs::open_at(a, kCwd, "/f", o::kRdwr, 0));
            abi::Flock l = lk(fc::kWrlck, 0, 0);
            MUST(vfs::record_lock(a, fd, fc::kSetlk, l));
            std::atomic<bool> got{false};
            auto t = MUST(ostd::spawn([&] {
                abi::Flock m = lk(fc::kWrlck, 0, 0);
                MUST(vfs::record_lock(b, fd, fc::kSetlkw, m));
                got = true;
                return 0;
            }));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            EXPECT_FALSE(got.load());
            abi::Flock u = lk(fc::kUnlck, 0, 0);
            MUST(vfs::record_lock(a, fd, fc::kSetlk, u));
            MUST(t->join());
            EXPECT_TRUE(got.load());
        },
        orrery::testing::small_machine(2));
}

}  // namespace
}  // namespace kernel::fs
