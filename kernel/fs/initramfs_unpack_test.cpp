// The initramfs unpacker: every entry kind, hard links, attributes, policies on bad archives.
#include <kernel/fs/initramfs_unpack.h>

#include "fs_test_support.inc"
#include "initramfs/cpio_builder_test.inc"

namespace kernel::fs {
namespace {

using namespace testing;
using initramfs::testing::CpioBuilder;
using initramfs::testing::Fields;
constexpr int kCwd = abi::at::kFdcwd;

CpioBuilder sample() {
    CpioBuilder b;
    b.add(".", 040755, "", {.ino = 1, .uid = 0, .gid = 0});
    b.add("bin", 040755, "", {.ino = 2, .uid = 0, .gid = 0});
    b.add("bin/busybox", 0100755, "ELF...", {.ino = 3, .uid = 0, .gid = 0});
    b.add("bin/sh", 0120777, "busybox", {.ino = 4, .uid = 0, .gid = 0});
    b.add("etc", 040700, "", {.ino = 5, .uid = 1000, .gid = 100});
    b.add("etc/motd", 0100640, "hi\n", {.ino = 6, .uid = 1000, .gid = 100, .mtime = 12345});
    b.add("dev", 040755, "", {.ino = 7});
    b.add("dev/console", 020600, "", {.ino = 8, .rdev_major = 5, .rdev_minor = 1});
    b.add("dev/fifo", 010644, "", {.ino = 9});
    // Hard links: GNU cpio stores the data with the last member of the group.
    b.add("a", 0100644, "", {.ino = 10, .nlink = 2});
    b.add("b", 0100644, "linked", {.ino = 10, .nlink = 2});
    b.trailer();
    return b;
}

TEST(InitramfsUnpack, AllEntryKinds) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        CpioBuilder b = sample();
        UnpackStats st = MUST(unpack_initramfs(c, b.span(), InitramfsPolicy::kStop));
        EXPECT_EQ(st.entries, 11u);
        EXPECT_EQ(st.hard_links, 1u);
        EXPECT_EQ(get_file(c, "/bin/busybox"), "ELF...");
        EXPECT_EQ(get_file(c, "/bin/sh"), "ELF...");
        EXPECT_EQ(MUST(vfs::readlink_at(c, kCwd, "/bin/sh")).view(), "busybox");
        abi::Stat motd = MUST(vfs::stat_at(c, kCwd, "/etc/motd", 0));
        EXPECT_EQ(motd.st_mode, abi::mode::kIfreg | 0640);
        EXPECT_EQ(motd.st_uid, 1000u);
        EXPECT_EQ(motd.st_gid, 100u);
        EXPECT_EQ(motd.st_mtim.tv_sec, 12345);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/etc", 0)).st_mode, abi::mode::kIfdir | 0700);
        abi::Stat con = MUST(vfs::stat_at(c, kCwd, "/dev/console", 0));
        EXPECT_EQ(con.st_mode, abi::mode::kIfchr | 0600);
        EXPECT_EQ(con.st_rdev, make_dev(5, 1));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/dev/fifo", 0)).st_mode, abi::mode::kIfifo | 0644);
        abi::Stat a = MUST(vfs::stat_at(c, kCwd, "/a", 0));
        abi::Stat bb = MUST(vfs::stat_at(c, kCwd, "/b", 0));
        EXPECT_EQ(a.st_ino, bb.st_ino);
        EXPECT_EQ(a.st_nlink, 2u);
        EXPECT_EQ(get_file(c, "/a"), "linked");
        // Unpacking again over the tree replaces files and keeps directories.
        MUST(unpack_initramfs(c, b.span(), InitramfsPolicy::kStop));
        EXPECT_EQ(get_file(c, "/etc/motd"), "hi\n");
    });
}

TEST(InitramfsUnpack, MalformedArchivePolicies) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        CpioBuilder b;
        b.add("ok", 0100644, "fine");
        size_t bad = b.add("bad", 0100644, "x");
        b.bytes[bad + 3] = 'X';  // corrupt the magic of the second header
        initramfs::Diagnostic d;
        auto r = unpack_initramfs(c, b.span(), InitramfsPolicy::kStop, &d);
        EXPECT_EQ(err(r), EINVAL);
        EXPECT_EQ(d.entry_offset, bad);
        char msg[160];
        initramfs::describe(d, msg, sizeof msg);
        char want[32];
        snprintf(want, sizeof want, "0x%zx", bad);
        EXPECT_NE(std::string(msg).find(want), std::string::npos) << msg;
        // Continue: what came before the damage is there, the error is reported in the stats.
        World w2 = World::make();
        auto c2 = w2.caller();
        UnpackStats st = MUST(unpack_initramfs(c2, b.span(), InitramfsPolicy::kContinue));
        EXPECT_TRUE(st.archive_error);
        EXPECT_EQ(get_file(c2, "/ok"), "fine");
        // A truncated archive (no trailer) is an error too.
        CpioBuilder t;
        t.add("f", 0100644, "x");
        EXPECT_EQ(err(unpack_initramfs(c2, t.span(), InitramfsPolicy::kStop)), EINVAL);
        // File-system errors come back under either policy.
        World tiny = World::make(4096);
        auto ct = tiny.caller();
        CpioBuilder big;
        big.add("big", 0100644, std::string(10000, 'b'));
        big.trailer();
        EXPECT_EQ(err(unpack_initramfs(ct, big.span(), InitramfsPolicy::kContinue)), ENOSPC);
    });
}

TEST(InitramfsUnpack, PolicyFromCommandLine) {
    EXPECT_EQ(initramfs_policy_from_cmdline(""), InitramfsPolicy::kContinue);
    EXPECT_EQ(initramfs_policy_from_cmdline("quiet initramfs.on_error=stop"),
              InitramfsPolicy::kStop);
    EXPECT_EQ(initramfs_policy_from_cmdline("initramfs.on_error=stop initramfs.on_error=continue"),
              InitramfsPolicy::kContinue);
}

}  // namespace
}  // namespace kernel::fs
