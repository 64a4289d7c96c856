// Pipes and FIFOs: data flow, EOF, EPIPE, EAGAIN, blocking and interruption, PIPE_BUF
// atomicity under concurrent writers, F_SETPIPE_SZ, FIONREAD, FIFO open rendezvous.
#include <kernel/fs/pipe.h>

#include <atomic>
#include <vector>

#include <ostd/mm/heap.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(Pipe, DataEofEpipeAgain) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        auto [r, wr] = MUST(vfs::pipe2(c, o::kNonblock));
        EXPECT_EQ(err(read_str(c, r)), EAGAIN);
        EXPECT_EQ(MUST(write_str(c, wr, "abc")), 3u);
        KernelIoctlIo io;
        int32_t avail = -1;
        EXPECT_EQ(
            MUST(vfs::ioctl(c, r, kFionread, uint64_t(reinterpret_cast<uintptr_t>(&avail)), io)),
            0);
        EXPECT_EQ(avail, 3);
        EXPECT_EQ(MUST(read_str(c, r, 2)), "ab");
        EXPECT_EQ(MUST(read_str(c, r)), "c");
        EXPECT_EQ(err(read_str(c, wr)), EBADF);
        EXPECT_EQ(err(write_str(c, r, "x")), EBADF);
        EXPECT_EQ(err(vfs::lseek(c, r, 0, abi::seek::kSet)), ESPIPE);
        abi::Stat st = MUST(vfs::fstat(c, r));
        EXPECT_EQ(st.st_mode & abi::mode::kIfmt, abi::mode::kIfifo);
        MUST(write_str(c, wr, "tail"));
        MUST(vfs::close(c, wr));
        EXPECT_EQ(MUST(read_str(c, r)), "tail");
        EXPECT_EQ(MUST(read_str(c, r)), "");  // EOF
        auto [r2, w2] = MUST(vfs::pipe2(c, 0));
        MUST(vfs::close(c, r2));
        EXPECT_EQ(err(write_str(c, w2, "x")), EPIPE);
        EXPECT_EQ(err(vfs::pipe2(c, 0x1)), EINVAL);
        auto [r3, w3] = MUST(vfs::pipe2(c, o::kCloexec));
        EXPECT_TRUE(MUST(w.fds->cloexec(r3)));
        EXPECT_TRUE(MUST(w.fds->cloexec(w3)));
    });
}

TEST(Pipe, BlockingReadWakesAndInterruptRestarts) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            auto fds = MUST(vfs::pipe2(c, 0));
            int r = fds.read_fd, wr = fds.write_fd;
            std::atomic<int> got{0};
            auto reader = MUST(ostd::spawn([&] {
                auto s = read_str(c, r);
                got = s.is_ok() ? int(s.value().size()) : -s.error().code();
                return 0;
            }));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            EXPECT_EQ(got.load(), 0);
            MUST(write_str(c, wr, "hello"));
            MUST(reader->join());
            EXPECT_EQ(got.load(), 5);
            // An interrupted blocked reader gets ERESTARTSYS and nothing is consumed.
            auto reader2 = MUST(ostd::spawn([&] {
                auto s = read_str(c, r);
                got = s.is_ok() ? int(s.value().size()) : -s.error().code();
                return 0;
            }));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            reader2->interrupt();
            MUST(reader2->join());
            EXPECT_EQ(got.load(), -ERESTARTSYS);
            // A blocked writer (pipe full) is released by the reader closing: EPIPE.
            MUST(vfs::fcntl(c, wr, abi::fcntl::kSetpipeSz, 4096));
            MUST(write_str(c, wr, std::string(4096, 'f')));
            auto writer = MUST(ostd::spawn([&] {
                auto s = write_str(c, wr, "more");
                got = s.is_ok() ? int(s.value()) : -s.error().code();
                return 0;
            }));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            MUST(vfs::close(c, r));
            MUST(writer->join());
            EXPECT_EQ(got.load(), -EPIPE);
        },
        orrery::testing::small_machine(2));
}

TEST(Pipe, PipeBufWritesAreAtomicUnderConcurrentWriters) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            auto [r, wr] = MUST(vfs::pipe2(c, 0));
            constexpr int kWriters = 4, kMsgs = 40;
            std::vector<ostd::TaskRef> tasks;
            for (int i = 0; i < kWriters; ++i) {
                tasks.push_back(MUST(ostd::spawn([&c, wr = wr, i] {
                    std::string msg(kPipeBuf, char('A' + i));
                    for (int m = 0; m < kMsgs; ++m)
                        EXPECT_EQ(MUST(write_str(c, wr, msg)), kPipeBuf);
                    return 0;
                })));
            }
            std::string all;
            while (all.size() < size_t(kWriters * kMsgs) * kPipeBuf) {
                std::string s = MUST(read_str(c, r, 3000));  // odd sizes on the read side
                ASSERT_FALSE(s.empty());
                all += s;
            }
            for (auto& t : tasks)
                MUST(t->join());
            int counts[kWriters] = {};
            for (size_t b = 0; b < all.size(); b += kPipeBuf) {
                char ch = all[b];
                ASSERT_GE(ch, 'A');
                ASSERT_LT(ch, 'A' + kWriters);
                EXPECT_EQ(all.substr(b, kPipeBuf), std::string(kPipeBuf, ch))
                    << "interleaved write in block " << b / kPipeBuf;
                ++counts[ch - 'A'];
            }
            for (int i = 0; i < kWriters; ++i)
                EXPECT_EQ(counts[i], kMsgs);
        },
        orrery::testing::small_machine(2));
}

// The ring buffer comes with the first write, as Linux allocates a pipe's pages: a pipe that is
// never written costs no buffer (64 KiB of kernel heap each).
TEST(Pipe, RingIsAllocatedByTheFirstWrite) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        uint64_t before = ostd::heap::stats().large_frames;
        auto [r, wr] = MUST(vfs::pipe2(c, o::kNonblock));
        EXPECT_EQ(ostd::heap::stats().large_frames, before);
        EXPECT_EQ(err(read_str(c, r)), EAGAIN);
        EXPECT_EQ(ostd::heap::stats().large_frames, before);
        EXPECT_EQ(MUST(write_str(c, wr, "x")), 1u);
        EXPECT_EQ(ostd::heap::stats().large_frames, before + kPipeDefaultSize / 4096);
        EXPECT_EQ(MUST(read_str(c, r)), "x");
        // F_SETPIPE_SZ on an unwritten pipe, then data that wraps the smaller ring.
        auto [r2, w2] = MUST(vfs::pipe2(c, o::kNonblock));
        EXPECT_EQ(MUST(vfs::fcntl(c, w2, abi::fcntl::kSetpipeSz, 4096)), 4096);
        EXPECT_EQ(MUST(write_str(c, w2, std::string(3000, 'a'))), 3000u);
        EXPECT_EQ(MUST(read_str(c, r2, 3000)).size(), 3000u);
        EXPECT_EQ(MUST(write_str(c, w2, std::string(2000, 'b'))), 2000u);
        EXPECT_EQ(MUST(read_str(c, r2, 5000)), std::string(2000, 'b'));
    });
}

TEST(Pipe, SetPipeSizeAndPartialNonblockingWrites) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        auto [r, wr] = MUST(vfs::pipe2(c, o::kNonblock));
        EXPECT_EQ(MUST(vfs::fcntl(c, r, abi::fcntl::kGetpipeSz, 0)), int64_t(kPipeDefaultSize));
        EXPECT_EQ(MUST(vfs::fcntl(c, wr, abi::fcntl::kSetpipeSz, 5000)), 8192);
        EXPECT_EQ(MUST(vfs::fcntl(c, r, abi::fcntl::kGetpipeSz, 0)), 8192);
        EXPECT_EQ(err(vfs::fcntl(c, wr, abi::fcntl::kSetpipeSz, 2 << 20)), EPERM);
        // Over PIPE_BUF, a nonblocking write is partial; then EAGAIN.
        EXPECT_EQ(MUST(write_str(c, wr, std::string(10000, 'x'))), 8192u);
        EXPECT_EQ(err(write_str(c, wr, "y")), EAGAIN);
        EXPECT_EQ(err(vfs::fcntl(c, wr, abi::fcntl::kSetpipeSz, 4096)), EBUSY);
        EXPECT_EQ(MUST(read_str(c, r, 8000)).size(), 8000u);
        // 192 bytes left: an atomic write of 200 does not fit and is refused whole.
        EXPECT_EQ(err(write_str(c, wr, std::string(8000, 'z'))), 0);
        EXPECT_EQ(err(write_str(c, wr, std::string(200, 'q'))), EAGAIN);
        EXPECT_EQ(MUST(read_str(c, r, 100000)).size(), 8192u);
    });
}

TEST(Fifo, OpenRendezvousAndData) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            MUST(vfs::mknod_at(c, kCwd, "/fifo", abi::mode::kIfifo | 0666, 0));
            EXPECT_EQ(err(vfs::open_at(c, kCwd, "/fifo", o::kWronly | o::kNonblock, 0)), ENXIO);
            std::atomic<int> state{0};
            auto reader = MUST(ostd::spawn([&] {
                int fd =
                    MUST(vfs::open_at(c, kCwd, "/fifo", o::kRdonly, 0));  // blocks for a writer
                state = 1;
                EXPECT_EQ(MUST(read_str(c, fd)), "through the fifo");
                EXPECT_EQ(MUST(read_str(c, fd)), "");
                return 0;
            }));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            EXPECT_EQ(state.load(), 0);
            int wfd = MUST(vfs::open_at(c, kCwd, "/fifo", o::kWronly, 0));
            MUST(write_str(c, wfd, "through the fifo"));
            ostd::sleep_for(2 * ostd::time::kNsPerMs);
            MUST(vfs::close(c, wfd));
            MUST(reader->join());
            EXPECT_EQ(state.load(), 1);
            // O_RDWR never blocks; a nonblocking reader opens at once too.
            int rw = MUST(vfs::open_at(c, kCwd, "/fifo", o::kRdwr, 0));
            int nr = MUST(vfs::open_at(c, kCwd, "/fifo", o::kRdonly | o::kNonblock, 0));
            MUST(write_str(c, rw, "x"));
            EXPECT_EQ(MUST(read_str(c, nr)), "x");
            EXPECT_EQ(MUST(vfs::fcntl(c, rw, abi::fcntl::kGetpipeSz, 0)),
                      int64_t(kPipeDefaultSize));
        },
        orrery::testing::small_machine(2));
}

}  // namespace
}  // namespace kernel::fs
