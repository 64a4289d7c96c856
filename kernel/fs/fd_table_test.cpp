// FdTable: lowest-free allocation, dup family, cloexec, close_range, RLIMIT_NOFILE, fork clone.
#include <kernel/fs/fd_table.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(FdTable, LowestFreeDupAndClose) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "0123456789");
        int a = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        int b = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        EXPECT_EQ(a, 0);
        EXPECT_EQ(b, 1);
        MUST(vfs::close(c, a));
        EXPECT_EQ(MUST(w.fds->dup(b, 0, CloseOnExec::kNo, 1024)), 0);
        // dup shares the description: one offset.
        EXPECT_EQ(MUST(read_str(c, 0, 3)), "012");
        EXPECT_EQ(MUST(read_str(c, 1, 3)), "345");
        EXPECT_EQ(MUST(w.fds->dup2(1, 7, 1024)), 7);
        EXPECT_EQ(MUST(read_str(c, 7, 2)), "67");
        EXPECT_EQ(MUST(w.fds->dup2(7, 7, 1024)), 7);
        EXPECT_EQ(err(w.fds->dup2(5, 5, 1024)), EBADF);
        EXPECT_EQ(err(w.fds->dup3(7, 7, CloseOnExec::kNo, 1024)), EINVAL);
        EXPECT_EQ(err(w.fds->dup3(7, 1024, CloseOnExec::kNo, 1024)), EBADF);
        EXPECT_EQ(err(w.fds->dup3(9, 3, CloseOnExec::kNo, 1024)), EBADF);
        EXPECT_EQ(MUST(w.fds->dup3(7, 3, CloseOnExec::kYes, 1024)), 3);
        EXPECT_TRUE(MUST(w.fds->cloexec(3)));
        EXPECT_EQ(MUST(vfs::fcntl(c, 3, abi::fcntl::kGetfd, 0)), abi::fcntl::kFdCloexec);
        MUST(vfs::fcntl(c, 3, abi::fcntl::kSetfd, 0));
        EXPECT_FALSE(MUST(w.fds->cloexec(3)));
        EXPECT_EQ(MUST(vfs::fcntl(c, 3, abi::fcntl::kDupfd, 10)), 10);
        EXPECT_EQ(MUST(vfs::fcntl(c, 3, abi::fcntl::kDupfdCloexec, 10)), 11);
        EXPECT_TRUE(MUST(w.fds->cloexec(11)));
        EXPECT_EQ(err(vfs::fcntl(c, 3, abi::fcntl::kDupfd, 5000)), EINVAL);
        EXPECT_EQ(err(vfs::fcntl(c, 99, abi::fcntl::kGetfd, 0)), EBADF);
        EXPECT_EQ(err(vfs::fcntl(c, 3, 12345, 0)), EINVAL);
        EXPECT_EQ(err(vfs::close(c, -1)), EBADF);
    });
}

TEST(FdTable, StatusFlagsAndCloseOnExec) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "");
        int fd = MUST(vfs::open_at(c, kCwd, "/f", o::kRdwr | o::kCloexec, 0));
        EXPECT_EQ(MUST(vfs::fcntl(c, fd, abi::fcntl::kGetfl, 0)) & o::kAccmode, o::kRdwr);
        MUST(vfs::fcntl(c, fd, abi::fcntl::kSetfl, o::kAppend | o::kNonblock | o::kWronly));
        int64_t fl = MUST(vfs::fcntl(c, fd, abi::fcntl::kGetfl, 0));
        EXPECT_TRUE(fl & o::kAppend);
        EXPECT_TRUE(fl & o::kNonblock);
        EXPECT_EQ(fl & o::kAccmode, o::kRdwr);  // access mode is not changeable
        int keep = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        w.fds->close_on_exec();
        EXPECT_EQ(err(w.fds->get(fd)), EBADF);
        EXPECT_TRUE(w.fds->get(keep).is_ok());
        EXPECT_EQ(err(vfs::fcntl(c, keep, abi::fcntl::kGetpipeSz, 0)), EBADF);
    });
}

TEST(FdTable, CloseRangeAndLimit) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "");
        vfs::Caller small{*w.fs, w.creds, *w.fds, 8};
        for (int i = 0; i < 8; ++i)
            EXPECT_EQ(MUST(vfs::open_at(small, kCwd, "/f", o::kRdonly, 0)), i);
        EXPECT_EQ(err(vfs::open_at(small, kCwd, "/f", o::kRdonly, 0)), EMFILE);
        EXPECT_EQ(err(w.fds->close_range(5, 2, 0)), EINVAL);
        EXPECT_EQ(err(w.fds->close_range(0, 1, 0x80)), EINVAL);
        MUST(w.fds->close_range(2, 3, kCloseRangeCloexec));
        EXPECT_TRUE(MUST(w.fds->cloexec(2)));
        MUST(w.fds->close_range(4, ~0u, 0));
        EXPECT_EQ(w.fds->count(), 4u);
        EXPECT_EQ(MUST(vfs::open_at(small, kCwd, "/f", o::kRdonly, 0)), 4);
    });
}

TEST(FdTable, ForkCloneSharesDescriptionsNotSlots) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "abcdef");
        int fd = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly | o::kCloexec, 0));
        auto child = MUST(w.fds->clone());
        vfs::Caller cc{*w.fs, w.creds, *child, 1024};
        EXPECT_EQ(MUST(read_str(c, fd, 2)), "ab");
        EXPECT_EQ(MUST(read_str(cc, fd, 2)), "cd");  // shared offset
        EXPECT_TRUE(MUST(child->cloexec(fd)));
        MUST(vfs::close(cc, fd));
        EXPECT_EQ(MUST(read_str(c, fd, 2)), "ef");  // parent's slot untouched
        // FsContext clone: independent cwd and umask.
        auto fs2 = MUST(w.fs->clone());
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        vfs::Caller cf{*fs2, w.creds, *child, 1024};
        MUST(vfs::chdir(cf, "/d"));
        fs2->set_umask(077);
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/");
        EXPECT_EQ(MUST(vfs::getcwd(cf)).view(), "/d");
        EXPECT_EQ(w.fs->umask(), 022u);
    });
}

}  // namespace
}  // namespace kernel::fs
