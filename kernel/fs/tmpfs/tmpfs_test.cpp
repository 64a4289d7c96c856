// tmpfs data: sparse files, truncate, fallocate, the size limit (ENOSPC), xattrs, statfs.
#include <kernel/fs/tmpfs/tmpfs.h>

#include "../fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(Tmpfs, SparseTruncateReadsZeros) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        int fd = MUST(vfs::open_at(c, kCwd, "/s", o::kRdwr | o::kCreat, 0644));
        MUST(vfs::ftruncate(c, fd, 1 << 30));
        abi::Stat st = MUST(vfs::fstat(c, fd));
        EXPECT_EQ(st.st_size, 1 << 30);
        EXPECT_EQ(st.st_blocks, 0);
        std::string hole = MUST(read_str(c, fd, 100));
        EXPECT_EQ(hole, std::string(100, '\0'));
        auto r = ostd::VmReader::from_kernel(std::as_bytes(std::span<const char>("xyz", 3)));
        EXPECT_EQ(MUST(vfs::pwrite(c, fd, r, 10000)), 3u);
        EXPECT_EQ(MUST(vfs::fstat(c, fd)).st_blocks, 8);
        MUST(vfs::ftruncate(c, fd, 10001));
        MUST(vfs::ftruncate(c, fd, 20000));
        std::string buf(4, '?');
        auto wr = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<char>(buf)));
        EXPECT_EQ(MUST(vfs::pread(c, fd, wr, 9999)), 4u);
        EXPECT_EQ(buf, std::string("\0x\0\0", 4));
        EXPECT_EQ(err(vfs::ftruncate(c, fd, -1)), EINVAL);
        EXPECT_EQ(err(vfs::truncate(c, "/", 0)), EISDIR);
        int ro = MUST(vfs::open_at(c, kCwd, "/s", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::ftruncate(c, ro, 0)), EINVAL);
        MUST(vfs::truncate(c, "/s", 0));
        EXPECT_EQ(MUST(vfs::fstat(c, fd)).st_size, 0);
        EXPECT_EQ(err(vfs::pread(c, fd, wr, -1)), EINVAL);
    });
}

TEST(Tmpfs, SizeLimitGivesEnospc) {
    in_kernel([] {
        World w = World::make(64 * 1024);
        auto c = w.caller();
        int fd = MUST(vfs::open_at(c, kCwd, "/big", o::kWronly | o::kCreat, 0644));
        std::string chunk(10000, 'z');
        size_t total = 0;
        for (;;) {
            auto r = write_str(c, fd, chunk);
            if (r.is_error()) {
                EXPECT_EQ(r.error().code(), ENOSPC);
                break;
            }
            total += r.value();
            ASSERT_LE(total, 64u * 1024);
        }
        EXPECT_EQ(total, 64u * 1024);
        abi::Statfs sf = MUST(vfs::fstatfs(c, fd));
        EXPECT_EQ(sf.f_type, int64_t(tmpfs::kTmpfsMagic));
        EXPECT_EQ(sf.f_bfree, 0u);
        EXPECT_EQ(err(vfs::fallocate(c, fd, 0, 0, 1 << 20)), ENOSPC);
        // Freeing space makes room again.
        MUST(vfs::ftruncate(c, fd, 0));
        EXPECT_EQ(MUST(vfs::fstatfs(c, fd)).f_bfree, 16u);
        MUST(vfs::fallocate(c, fd, 0, 0, 8192));
        EXPECT_EQ(MUST(vfs::fstat(c, fd)).st_size, 8192);
        MUST(vfs::fallocate(c, fd, 1, 0, 16384));  // FALLOC_FL_KEEP_SIZE
        EXPECT_EQ(MUST(vfs::fstat(c, fd)).st_size, 8192);
        EXPECT_EQ(err(vfs::fallocate(c, fd, 0x8, 0, 10)), EOPNOTSUPP);
        EXPECT_EQ(err(vfs::fallocate(c, fd, 0, 0, 0)), EINVAL);
        int ro = MUST(vfs::open_at(c, kCwd, "/big", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::fallocate(c, ro, 0, 0, 10)), EBADF);
        // Unlinking the last name of a closed file returns its pages.
        MUST(vfs::close(c, fd));
        MUST(vfs::close(c, ro));
        MUST(vfs::unlink_at(c, kCwd, "/big", 0));
        EXPECT_EQ(MUST(vfs::statfs(c, "/")).f_bfree, 16u);
    });
}

TEST(Tmpfs, UserXattrs) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "");
        auto val = [](std::string_view s) {
            return std::as_bytes(std::span<const char>(s.data(), s.size()));
        };
        MUST(vfs::setxattr(c, "/f", true, "user.a", val("one"), 0));
        MUST(vfs::setxattr(c, "/f", true, "user.bb", val("two!"), 0));
        EXPECT_EQ(err(vfs::setxattr(c, "/f", true, "user.a", val("x"), 1)), EEXIST);
        EXPECT_EQ(err(vfs::setxattr(c, "/f", true, "user.zz", val("x"), 2)), ENODATA);
        EXPECT_EQ(err(vfs::setxattr(c, "/f", true, "trusted.a", val("x"), 0)), EOPNOTSUPP);
        EXPECT_EQ(err(vfs::setxattr(c, "/f", true, "user.a", val("x"), 4)), EINVAL);
        EXPECT_EQ(MUST(vfs::getxattr(c, "/f", true, "user.bb", nullptr)), 4u);
        char buf[16] = {};
        auto wr = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<char>(buf)));
        EXPECT_EQ(MUST(vfs::getxattr(c, "/f", true, "user.a", &wr)), 3u);
        EXPECT_EQ(std::string(buf, 3), "one");
        char tiny[2];
        auto tw = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<char>(tiny)));
        EXPECT_EQ(err(vfs::getxattr(c, "/f", true, "user.a", &tw)), ERANGE);
        EXPECT_EQ(err(vfs::getxattr(c, "/f", true, "user.none", nullptr)), ENODATA);
        EXPECT_EQ(MUST(vfs::listxattr(c, "/f", true, nullptr)), 15u);
        char list[32] = {};
        auto lw = ostd::VmWriter::from_kernel(std::as_writable_bytes(std::span<char>(list)));
        EXPECT_EQ(MUST(vfs::listxattr(c, "/f", true, &lw)), 15u);
        EXPECT_EQ(std::string(list, 15), std::string("user.a\0user.bb\0", 15));
        MUST(vfs::removexattr(c, "/f", true, "user.a"));
        EXPECT_EQ(err(vfs::removexattr(c, "/f", true, "user.a")), ENODATA);
        Credentials bob = Credentials::user(5, 5);
        EXPECT_EQ(err(vfs::setxattr(w.as(bob), "/f", true, "user.q", val("x"), 0)), EACCES);
        std::string big(65537, 'v');
        EXPECT_EQ(err(vfs::setxattr(c, "/f", true, "user.big", val(big), 0)), E2BIG);
        MUST(vfs::symlink_at(c, "/f", kCwd, "/l"));
        EXPECT_EQ(err(vfs::setxattr(c, "/l", false, "user.a", val("x"), 0)), EPERM);
        EXPECT_EQ(MUST(vfs::getxattr(c, "/l", true, "user.bb", nullptr)), 4u);
    });
}

TEST(Tmpfs, TimestampsMove) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "a");
        abi::Timespec old[2] = {{0, 7}, {0, 0}};
        MUST(vfs::utimens_at(c, kCwd, "/f", old, 0));
        int fd = MUST(vfs::open_at(c, kCwd, "/f", o::kWronly, 0));
        MUST(write_str(c, fd, "b"));
        abi::Stat st = MUST(vfs::fstat(c, fd));
        EXPECT_GT(st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, 0);
        EXPECT_EQ(st.st_atim.tv_nsec, 7);  // writes leave atime alone
    });
}

}  // namespace
}  // namespace kernel::fs
