// Permission checks through the VFS: mode bits, owners, groups, root override, sticky
// directories, umask and setgid directories, chmod/chown/utimensat rules.
#include <kernel/fs/permission.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(VfsPermission, ModeBitsOwnerGroupOther) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        Credentials alice = Credentials::user(1000, 100);
        Credentials bob = Credentials::user(1001, 200);
        Credentials carol = Credentials::user(1002, 300);
        MUST(carol.set_gid(300));
        Credentials carol_in_100 = Credentials::root();
        MUST(carol_in_100.set_groups(std::array<Gid, 1>{100}));
        MUST(carol_in_100.set_resgid(300, 300, 300));
        MUST(carol_in_100.set_resuid(1002, 1002, 1002));
        put_file(root, "/f", "secret");
        MUST(vfs::chown_at(root, kCwd, "/f", 1000, 100, 0));
        MUST(vfs::chmod_at(root, kCwd, "/f", 0640, 0));
        EXPECT_EQ(get_file(w.as(alice), "/f"), "secret");
        EXPECT_EQ(err(vfs::open_at(w.as(bob), kCwd, "/f", o::kRdonly, 0)), EACCES);
        EXPECT_EQ(err(vfs::open_at(w.as(carol), kCwd, "/f", o::kRdonly, 0)), EACCES);
        // Supplementary group 100 grants the group's read bit, not write.
        EXPECT_EQ(get_file(w.as(carol_in_100), "/f"), "secret");
        EXPECT_EQ(err(vfs::open_at(w.as(carol_in_100), kCwd, "/f", o::kWronly, 0)), EACCES);
        // The owner class applies even when it grants less than "other".
        MUST(vfs::chmod_at(root, kCwd, "/f", 0066, 0));
        EXPECT_EQ(err(vfs::open_at(w.as(alice), kCwd, "/f", o::kRdonly, 0)), EACCES);
        EXPECT_TRUE(vfs::open_at(w.as(bob), kCwd, "/f", o::kRdonly, 0).is_ok());
        // Root reads and writes regardless; executes only with some x bit.
        MUST(vfs::chmod_at(root, kCwd, "/f", 0, 0));
        EXPECT_EQ(get_file(root, "/f"), "secret");
        EXPECT_EQ(err(vfs::access_at(root, kCwd, "/f", kMayExec, 0)), EACCES);
        MUST(vfs::chmod_at(root, kCwd, "/f", 0001, 0));
        EXPECT_EQ(err(vfs::access_at(root, kCwd, "/f", kMayExec, 0)), 0);
        EXPECT_EQ(err(vfs::access_at(root, kCwd, "/f", 8, 0)), EINVAL);
    });
}

TEST(VfsPermission, SearchAndWriteOnDirectories) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        Credentials alice = Credentials::user(1000, 1000);
        auto a = w.as(alice);
        MUST(vfs::mkdir_at(root, kCwd, "/d", 0755));
        put_file(root, "/d/f", "x");
        EXPECT_EQ(err(vfs::open_at(a, kCwd, "/d/new", o::kCreat | o::kWronly, 0644)), EACCES);
        EXPECT_EQ(err(vfs::mkdir_at(a, kCwd, "/d/sub", 0755)), EACCES);
        EXPECT_EQ(err(vfs::unlink_at(a, kCwd, "/d/f", 0)), EACCES);
        EXPECT_EQ(get_file(a, "/d/f"), "x");
        MUST(vfs::chmod_at(root, kCwd, "/d", 0700, 0));
        EXPECT_EQ(err(vfs::stat_at(a, kCwd, "/d/f", 0)), EACCES);
        EXPECT_EQ(err(vfs::chdir(a, "/d")), EACCES);
        MUST(vfs::chmod_at(root, kCwd, "/d", 0711, 0));
        EXPECT_TRUE(vfs::stat_at(a, kCwd, "/d/f", 0).is_ok());
        EXPECT_EQ(err(vfs::open_at(a, kCwd, "/d", o::kRdonly, 0)), EACCES);
        EXPECT_EQ(err(vfs::access_at(a, kCwd, "/d", kMayRead, 0)), EACCES);
    });
}

TEST(VfsPermission, StickyDirectoryRestrictsDeletion) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        Credentials alice = Credentials::user(1000, 1000);
        Credentials bob = Credentials::user(1001, 1001);
        MUST(vfs::mkdir_at(root, kCwd, "/tmp", 01777));
        MUST(vfs::chmod_at(root, kCwd, "/tmp", 01777, 0));
        put_file(w.as(alice), "/tmp/a", "mine");
        EXPECT_EQ(err(vfs::unlink_at(w.as(bob), kCwd, "/tmp/a", 0)), EPERM);
        EXPECT_EQ(err(vfs::rename_at(w.as(bob), kCwd, "/tmp/a", kCwd, "/tmp/b", 0)), EPERM);
        put_file(w.as(bob), "/tmp/b", "bob");
        EXPECT_EQ(err(vfs::rename_at(w.as(alice), kCwd, "/tmp/a", kCwd, "/tmp/b", 0)), EPERM);
        MUST(vfs::unlink_at(w.as(alice), kCwd, "/tmp/a", 0));
        MUST(vfs::unlink_at(root, kCwd, "/tmp/b", 0));
        // Without the sticky bit anyone with write access may delete.
        MUST(vfs::chmod_at(root, kCwd, "/tmp", 0777, 0));
        put_file(w.as(alice), "/tmp/c", "");
        MUST(vfs::unlink_at(w.as(bob), kCwd, "/tmp/c", 0));
    });
}

TEST(VfsPermission, UmaskAndSetgidDirectories) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        EXPECT_EQ(w.fs->set_umask(027), 022u);
        MUST(vfs::mkdir_at(root, kCwd, "/d", 0777));
        EXPECT_EQ(MUST(vfs::stat_at(root, kCwd, "/d", 0)).st_mode & 07777, 0750u);
        int fd = MUST(vfs::open_at(root, kCwd, "/d/f", o::kCreat | o::kWronly, 0666));
        EXPECT_EQ(MUST(vfs::fstat(root, fd)).st_mode & 07777, 0640u);
        MUST(vfs::mknod_at(root, kCwd, "/d/fifo", abi::mode::kIfifo | 0666, 0));
        EXPECT_EQ(MUST(vfs::stat_at(root, kCwd, "/d/fifo", 0)).st_mode, abi::mode::kIfifo | 0640);
        w.fs->set_umask(0);
        MUST(vfs::chown_at(root, kCwd, "/d", 0, 500, 0));
        MUST(vfs::chmod_at(root, kCwd, "/d", 02777, 0));
        MUST(vfs::mkdir_at(root, kCwd, "/d/sub", 0755));
        abi::Stat st = MUST(vfs::stat_at(root, kCwd, "/d/sub", 0));
        EXPECT_EQ(st.st_gid, 500u);
        EXPECT_EQ(st.st_mode & 07777, 02755u);
        put_file(root, "/d/g", "");
        EXPECT_EQ(MUST(vfs::stat_at(root, kCwd, "/d/g", 0)).st_gid, 500u);
    });
}

TEST(VfsPermission, ChmodChownRules) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        Credentials alice = Credentials::root();
        MUST(alice.set_groups(std::array<Gid, 2>{10, 20}));
        MUST(alice.set_resgid(1000, 1000, 1000));
        MUST(alice.set_resuid(1000, 1000, 1000));
        auto a = w.as(alice);
        Credentials bob = Credentials::user(1001, 1001);
        MUST(vfs::mkdir_at(root, kCwd, "/h", 0777));
        MUST(vfs::chmod_at(root, kCwd, "/h", 0777, 0));
        put_file(a, "/h/f", "");
        EXPECT_EQ(err(vfs::chmod_at(w.as(bob), kCwd, "/h/f", 0777, 0)), EPERM);
        MUST(vfs::chmod_at(a, kCwd, "/h/f", 0700, 0));
        EXPECT_EQ(err(vfs::chown_at(a, kCwd, "/h/f", 1001, kUnchanged, 0)), EPERM);
        MUST(vfs::chown_at(a, kCwd, "/h/f", kUnchanged, 20, 0));
        EXPECT_EQ(err(vfs::chown_at(a, kCwd, "/h/f", kUnchanged, 30, 0)), EPERM);
        EXPECT_EQ(err(vfs::chown_at(w.as(bob), kCwd, "/h/f", kUnchanged, 1001, 0)), EPERM);
        // chown clears set-user-ID.
        MUST(vfs::chmod_at(a, kCwd, "/h/f", 04755, 0));
        MUST(vfs::chown_at(root, kCwd, "/h/f", 1001, kUnchanged, 0));
        EXPECT_EQ(MUST(vfs::stat_at(root, kCwd, "/h/f", 0)).st_mode & 07777, 0755u);
        // Setting setgid on a file of a group one is not in drops the bit.
        MUST(vfs::chown_at(root, kCwd, "/h/f", 1000, 99, 0));
        MUST(vfs::chmod_at(a, kCwd, "/h/f", 02755, 0));
        EXPECT_EQ(MUST(vfs::stat_at(root, kCwd, "/h/f", 0)).st_mode & 07777, 0755u);
        EXPECT_EQ(err(vfs::chmod_at(a, kCwd, "/h/missing", 0, 0)), ENOENT);
        EXPECT_EQ(err(vfs::chmod_at(a, kCwd, "/h/f", 0, 0x1)), EINVAL);
    });
}

TEST(VfsPermission, UtimensatRules) {
    in_kernel([] {
        World w = World::make();
        auto root = w.caller();
        Credentials bob = Credentials::user(1001, 1001);
        put_file(root, "/f", "");
        abi::Timespec t[2] = {{100, 5}, {200, 6}};
        MUST(vfs::utimens_at(root, kCwd, "/f", t, 0));
        abi::Stat st = MUST(vfs::stat_at(root, kCwd, "/f", 0));
        EXPECT_EQ(st.st_atim.tv_sec, 100);
        EXPECT_EQ(st.st_mtim.tv_sec, 200);
        EXPECT_EQ(st.st_mtim.tv_nsec, 6);
        abi::Timespec omit[2] = {{0, vfs::kUtimeOmit}, {300, 0}};
        MUST(vfs::utimens_at(root, kCwd, "/f", omit, 0));
        st = MUST(vfs::stat_at(root, kCwd, "/f", 0));
        EXPECT_EQ(st.st_atim.tv_sec, 100);
        EXPECT_EQ(st.st_mtim.tv_sec, 300);
        abi::Timespec bad[2] = {{0, 1000000000}, {0, 0}};
        EXPECT_EQ(err(vfs::utimens_at(root, kCwd, "/f", bad, 0)), EINVAL);
        EXPECT_EQ(err(vfs::utimens_at(w.as(bob), kCwd, "/f", t, 0)), EPERM);
        EXPECT_EQ(err(vfs::utimens_at(w.as(bob), kCwd, "/f", nullptr, 0)), EACCES);
        MUST(vfs::chmod_at(root, kCwd, "/f", 0666, 0));
        MUST(vfs::utimens_at(w.as(bob), kCwd, "/f", nullptr, 0));
    });
}

}  // namespace
}  // namespace kernel::fs
