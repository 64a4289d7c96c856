// rename/renameat2 and mounts: replacement rules, NOREPLACE, EXCHANGE, directory moves, EXDEV,
// EBUSY; mount, bind mount, ".." across mounts, umount.
#include <kernel/fs/vfs.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(VfsRename, FilesAndReplacement) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/a", "A");
        put_file(c, "/b", "B");
        uint64_t ino_a = MUST(vfs::stat_at(c, kCwd, "/a", 0)).st_ino;
        MUST(vfs::rename_at(c, kCwd, "/a", kCwd, "/b", 0));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/a", 0)), ENOENT);
        EXPECT_EQ(get_file(c, "/b"), "A");
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/b", 0)).st_ino, ino_a);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/a", kCwd, "/c", 0)), ENOENT);
        put_file(c, "/c", "C");
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/b", kCwd, "/c", vfs::kRenameNoreplace)), EEXIST);
        MUST(vfs::rename_at(c, kCwd, "/b", kCwd, "/c", vfs::kRenameExchange));
        EXPECT_EQ(get_file(c, "/b"), "C");
        EXPECT_EQ(get_file(c, "/c"), "A");
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/b", kCwd, "/zz", vfs::kRenameExchange)), ENOENT);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/b", kCwd, "/c",
                                     vfs::kRenameExchange | vfs::kRenameNoreplace)),
                  EINVAL);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/b", kCwd, "/c", 0x100)), EINVAL);
        // Same file: nothing happens.
        MUST(vfs::rename_at(c, kCwd, "/b", kCwd, "/b", 0));
        MUST(vfs::link_at(c, kCwd, "/b", kCwd, "/b2", 0));
        MUST(vfs::rename_at(c, kCwd, "/b", kCwd, "/b2", 0));
        EXPECT_EQ(get_file(c, "/b"), "C");
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/b/", kCwd, "/x", 0)), ENOTDIR);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/.", kCwd, "/x", 0)), EBUSY);
    });
}

TEST(VfsRename, Directories) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/d1", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/d1/in", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/d2", 0755));
        put_file(c, "/d1/in/f", "f");
        put_file(c, "/file", "");
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/d1", kCwd, "/d1/in/x", 0)), EINVAL);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/d1", kCwd, "/file", 0)), ENOTDIR);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/file", kCwd, "/d2", 0)), EISDIR);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/d2", kCwd, "/d1", 0)), ENOTEMPTY);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/d1/in", kCwd, "/d1", 0)), ENOTEMPTY);
        // Moving a directory between parents fixes both link counts.
        MUST(vfs::rename_at(c, kCwd, "/d1/in", kCwd, "/d2/moved", 0));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/d1", 0)).st_nlink, 2u);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/d2", 0)).st_nlink, 3u);
        EXPECT_EQ(get_file(c, "/d2/moved/f"), "f");
        EXPECT_EQ(get_file(c, "/d2/moved/../moved/f"), "f");
        // Replacing an empty directory.
        MUST(vfs::rename_at(c, kCwd, "/d2", kCwd, "/d1", 0));
        EXPECT_EQ(get_file(c, "/d1/moved/f"), "f");
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/", 0)).st_nlink, 3u);
        MUST(vfs::chdir(c, "/d1/moved"));
        MUST(vfs::rename_at(c, kCwd, "/d1", kCwd, "/top", 0));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/top/moved");
    });
}

TEST(VfsMount, MountCrossingDotDotAndBusy) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/mnt", 0755));
        put_file(c, "/mnt/hidden", "under");
        MUST(vfs::mount(c, "none", "/mnt", "tmpfs", 0, "size=1m"));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/mnt/hidden", 0)), ENOENT);
        put_file(c, "/mnt/over", "over");
        EXPECT_EQ(get_file(c, "/mnt/../mnt/over"), "over");
        EXPECT_NE(MUST(vfs::stat_at(c, kCwd, "/mnt", 0)).st_dev,
                  MUST(vfs::stat_at(c, kCwd, "/", 0)).st_dev);
        MUST(vfs::chdir(c, "/mnt"));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/mnt");
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "..", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/", 0)).st_ino);
        // Cross-mount rename/link are EXDEV; the mountpoint itself is busy.
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/mnt/over", kCwd, "/over", 0)), EXDEV);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/mnt/over", kCwd, "/over", 0)), EXDEV);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/mnt", abi::at::kRemovedir)), EBUSY);
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/mnt", kCwd, "/m2", 0)), EBUSY);
        EXPECT_EQ(err(vfs::umount(c, "/mnt", 0)), EBUSY);  // our cwd is in it
        MUST(vfs::chdir(c, "/"));
        EXPECT_EQ(err(vfs::umount(c, "/mnt/over", 0)), EINVAL);
        MUST(vfs::umount(c, "/mnt", 0));
        EXPECT_EQ(get_file(c, "/mnt/hidden"), "under");
        EXPECT_EQ(err(vfs::umount(c, "/", 0)), EBUSY);
        EXPECT_EQ(err(vfs::mount(c, "x", "/mnt", "nosuchfs", 0, "")), ENODEV);
        EXPECT_EQ(err(vfs::mount(c, "x", "/mnt", "tmpfs", 0, "bogus=1")), EINVAL);
        Credentials user = Credentials::user(1, 1);
        EXPECT_EQ(err(vfs::mount(w.as(user), "x", "/mnt", "tmpfs", 0, "")), EPERM);
    });
}

TEST(VfsMount, BindMountAndLazyUnmount) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/src", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/src/sub", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/dst", 0755));
        put_file(c, "/src/sub/f", "shared");
        MUST(vfs::mount(c, "/src/sub", "/dst", "", mount_flags::kBind, ""));
        EXPECT_EQ(get_file(c, "/dst/f"), "shared");
        put_file(c, "/dst/g", "via bind");
        EXPECT_EQ(get_file(c, "/src/sub/g"), "via bind");
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/dst/..", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/", 0)).st_ino);
        // A bind mount shares the superblock: rename between the views is still EXDEV.
        EXPECT_EQ(err(vfs::rename_at(c, kCwd, "/dst/g", kCwd, "/src/g2", 0)), EXDEV);
        int fd = MUST(vfs::open_at(c, kCwd, "/dst/f", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::umount(c, "/dst", 0)), EBUSY);
        MUST(vfs::umount(c, "/dst", mount_flags::kDetach));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/dst/f", 0)), ENOENT);
        EXPECT_EQ(MUST(read_str(c, fd)), "shared");
    });
}

}  // namespace
}  // namespace kernel::fs
