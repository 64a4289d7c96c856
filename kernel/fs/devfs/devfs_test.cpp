// devfs: the standard device nodes and the char-device registry.
#include <kernel/fs/devfs/char_device.h>
#include <kernel/fs/devfs/devfs.h>
#include <kernel/fs/devfs/prng.h>

#include "../fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(Devfs, MemoryDevices) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/dev", 0755));
        MUST(vfs::mount(c, "dev", "/dev", "devtmpfs", 0, ""));
        abi::Stat st = MUST(vfs::stat_at(c, kCwd, "/dev/null", 0));
        EXPECT_EQ(st.st_mode, abi::mode::kIfchr | 0666);
        EXPECT_EQ(st.st_rdev, make_dev(1, 3));
        int null = MUST(vfs::open_at(c, kCwd, "/dev/null", o::kRdwr, 0));
        EXPECT_EQ(MUST(write_str(c, null, "gone")), 4u);
        EXPECT_EQ(MUST(read_str(c, null)), "");
        int zero = MUST(vfs::open_at(c, kCwd, "/dev/zero", o::kRdonly, 0));
        EXPECT_EQ(MUST(read_str(c, zero, 10)), std::string(10, '\0'));
        int full = MUST(vfs::open_at(c, kCwd, "/dev/full", o::kRdwr, 0));
        EXPECT_EQ(err(write_str(c, full, "x")), ENOSPC);
        EXPECT_EQ(MUST(read_str(c, full, 3)), std::string(3, '\0'));
        int ur = MUST(vfs::open_at(c, kCwd, "/dev/urandom", o::kRdonly, 0));
        std::string a = MUST(read_str(c, ur, 64)), b = MUST(read_str(c, ur, 64));
        EXPECT_NE(a, std::string(64, '\0'));
        EXPECT_NE(a, b);
        int con = MUST(vfs::open_at(c, kCwd, "/dev/console", o::kWronly, 0));
        EXPECT_EQ(MUST(write_str(c, con, "devfs test console line\n")), 24u);
        EXPECT_TRUE(vfs::open_at(c, kCwd, "/dev/tty", o::kRdwr, 0).is_ok());
        // A node made with mknod reaches the same driver; an unknown number is ENXIO.
        MUST(vfs::mknod_at(c, kCwd, "/mynull", abi::mode::kIfchr | 0666, make_dev(1, 3)));
        int n2 = MUST(vfs::open_at(c, kCwd, "/mynull", o::kWronly, 0));
        EXPECT_EQ(MUST(write_str(c, n2, "abc")), 3u);
        MUST(vfs::mknod_at(c, kCwd, "/nodev", abi::mode::kIfchr | 0666, make_dev(250, 1)));
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/nodev", o::kRdonly, 0)), ENXIO);
        Credentials user = Credentials::user(1, 1);
        EXPECT_EQ(err(vfs::mknod_at(w.as(user), kCwd, "/x", abi::mode::kIfchr | 0666, 0)), EPERM);
        EXPECT_EQ(err(vfs::mknod_at(c, kCwd, "/y", abi::mode::kIfdir | 0666, 0)), EPERM);
        EXPECT_EQ(err(vfs::mknod_at(c, kCwd, "/mynull", 0666, 0)), EEXIST);
    });
}

TEST(Devfs, PrngIsDeterministicPerSeed) {
    devfs::Xoshiro256 a(42), b(42), d(43);
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, d.next());
    std::byte buf[13];
    a.fill(buf);
    bool any = false;
    for (std::byte v : buf)
        any |= v != std::byte{0};
    EXPECT_TRUE(any);
}

}  // namespace
}  // namespace kernel::fs
