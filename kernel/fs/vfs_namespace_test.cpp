// VFS namespace operations on tmpfs: create/open flags, mkdir/rmdir, unlink, links, symlinks,
// path-walk limits and their errno paths.
#include <kernel/fs/vfs.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(VfsOpen, CreateWriteReadSeek) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        int fd = MUST(vfs::open_at(c, kCwd, "/f", o::kRdwr | o::kCreat, 0644));
        EXPECT_EQ(fd, 0);
        EXPECT_EQ(MUST(write_str(c, fd, "hello world")), 11u);
        EXPECT_EQ(MUST(vfs::lseek(c, fd, 6, abi::seek::kSet)), 6);
        EXPECT_EQ(MUST(read_str(c, fd)), "world");
        EXPECT_EQ(MUST(vfs::lseek(c, fd, -5, abi::seek::kEnd)), 6);
        EXPECT_EQ(err(vfs::lseek(c, fd, -100, abi::seek::kCur)), EINVAL);
        EXPECT_EQ(err(vfs::lseek(c, fd, 0, 17)), EINVAL);
        abi::Stat st = MUST(vfs::fstat(c, fd));
        EXPECT_EQ(st.st_size, 11);
        EXPECT_EQ(st.st_mode, abi::mode::kIfreg | 0644);
        EXPECT_EQ(st.st_nlink, 1u);
        MUST(vfs::close(c, fd));
        EXPECT_EQ(err(vfs::close(c, fd)), EBADF);
        EXPECT_EQ(get_file(c, "/f"), "hello world");
    });
}

TEST(VfsOpen, FlagErrors) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "abc");
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/missing", o::kRdonly, 0)), ENOENT);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/f", o::kCreat | o::kExcl | o::kWronly, 0644)),
                  EEXIST);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/d", o::kWronly, 0)), EISDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/d", o::kCreat | o::kRdwr, 0644)), EISDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/f", o::kRdonly | o::kDirectory, 0)), ENOTDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/f/", o::kRdonly, 0)), ENOTDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/f/x", o::kRdonly, 0)), ENOTDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/new/", o::kCreat | o::kWronly, 0644)), EISDIR);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "", o::kRdonly, 0)), ENOENT);
        EXPECT_EQ(err(vfs::open_at(c, 55, "rel", o::kRdonly, 0)), EBADF);
        int ffd = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::open_at(c, ffd, "rel", o::kRdonly, 0)), ENOTDIR);
        EXPECT_EQ(err(write_str(c, ffd, "x")), EBADF);
        // O_TRUNC empties; O_APPEND writes at the end.
        int t = MUST(vfs::open_at(c, kCwd, "/f", o::kWronly | o::kTrunc, 0));
        EXPECT_EQ(MUST(vfs::fstat(c, t)).st_size, 0);
        MUST(write_str(c, t, "12"));
        int a = MUST(vfs::open_at(c, kCwd, "/f", o::kWronly | o::kAppend, 0));
        MUST(write_str(c, t, "3"));
        MUST(write_str(c, a, "45"));
        EXPECT_EQ(get_file(c, "/f"), "12345");
        // Directory fds as dirfd.
        int dfd = MUST(vfs::open_at(c, kCwd, "/d", o::kRdonly | o::kDirectory, 0));
        put_file(c, "/d/inner", "in");
        int r = MUST(vfs::open_at(c, dfd, "inner", o::kRdonly, 0));
        EXPECT_EQ(MUST(read_str(c, r)), "in");
        EXPECT_EQ(err(read_str(c, dfd)), EISDIR);
    });
}

TEST(VfsOpen, PathOnlyAndCloexec) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "abc");
        int p = MUST(vfs::open_at(c, kCwd, "/f", o::kPath | o::kRdwr, 0));
        EXPECT_EQ(err(read_str(c, p)), EBADF);
        EXPECT_EQ(MUST(vfs::fstat(c, p)).st_size, 3);
        int x = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly | o::kCloexec, 0));
        EXPECT_TRUE(MUST(w.fds->cloexec(x)));
        EXPECT_FALSE(MUST(w.fds->cloexec(p)));
    });
}

TEST(VfsDir, MkdirRmdirErrors) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/a", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/a/b/", 0700));
        EXPECT_EQ(err(vfs::mkdir_at(c, kCwd, "/a", 0755)), EEXIST);
        EXPECT_EQ(err(vfs::mkdir_at(c, kCwd, "/x/y", 0755)), ENOENT);
        EXPECT_EQ(err(vfs::mkdir_at(c, kCwd, "/", 0755)), EEXIST);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/a", 0)).st_nlink, 3u);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/", 0)).st_nlink, 3u);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a", abi::at::kRemovedir)), ENOTEMPTY);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a", 0)), EISDIR);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a/b/.", abi::at::kRemovedir)), EINVAL);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a/b/..", abi::at::kRemovedir)), ENOTEMPTY);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/", abi::at::kRemovedir)), EBUSY);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a", 0x1)), EINVAL);
        put_file(c, "/a/f", "");
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a/f", abi::at::kRemovedir)), ENOTDIR);
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a/f/", 0)), ENOTDIR);
        MUST(vfs::unlink_at(c, kCwd, "/a/f", 0));
        EXPECT_EQ(err(vfs::unlink_at(c, kCwd, "/a/f", 0)), ENOENT);
        MUST(vfs::unlink_at(c, kCwd, "/a/b", abi::at::kRemovedir));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/a", 0)).st_nlink, 2u);
        MUST(vfs::unlink_at(c, kCwd, "/a", abi::at::kRemovedir));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/", 0)).st_nlink, 2u);
    });
}

TEST(VfsDir, UnlinkedFileStaysReadableThroughOpenFd) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "data");
        int fd = MUST(vfs::open_at(c, kCwd, "/f", o::kRdonly, 0));
        MUST(vfs::unlink_at(c, kCwd, "/f", 0));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/f", 0)), ENOENT);
        EXPECT_EQ(MUST(read_str(c, fd)), "data");
        EXPECT_EQ(MUST(vfs::fstat(c, fd)).st_nlink, 0u);
    });
}

TEST(VfsLink, HardLinks) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        put_file(c, "/f", "x");
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        MUST(vfs::link_at(c, kCwd, "/f", kCwd, "/d/g", 0));
        abi::Stat a = MUST(vfs::stat_at(c, kCwd, "/f", 0));
        abi::Stat b = MUST(vfs::stat_at(c, kCwd, "/d/g", 0));
        EXPECT_EQ(a.st_ino, b.st_ino);
        EXPECT_EQ(a.st_nlink, 2u);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/f", kCwd, "/d/g", 0)), EEXIST);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/d", kCwd, "/d2", 0)), EPERM);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/nope", kCwd, "/n", 0)), ENOENT);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/f", kCwd, "/nodir/n", 0)), ENOENT);
        EXPECT_EQ(err(vfs::link_at(c, kCwd, "/f", kCwd, "/n", 0x1)), EINVAL);
        MUST(vfs::unlink_at(c, kCwd, "/f", 0));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/d/g", 0)).st_nlink, 1u);
        EXPECT_EQ(get_file(c, "/d/g"), "x");
    });
}

TEST(VfsSymlink, FollowNofollowAndLoops) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        put_file(c, "/d/f", "target");
        MUST(vfs::symlink_at(c, "d/f", kCwd, "/l"));
        MUST(vfs::symlink_at(c, "/d", kCwd, "/ld"));
        EXPECT_EQ(get_file(c, "/l"), "target");
        EXPECT_EQ(get_file(c, "/ld/f"), "target");
        EXPECT_EQ(MUST(vfs::readlink_at(c, kCwd, "/l")).view(), "d/f");
        EXPECT_EQ(err(vfs::readlink_at(c, kCwd, "/d/f")), EINVAL);
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/l", o::kRdonly | o::kNofollow, 0)), ELOOP);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/l", abi::at::kSymlinkNofollow)).st_mode,
                  abi::mode::kIflnk | 0777);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/l", 0)).st_mode & abi::mode::kIfmt,
                  abi::mode::kIfreg);
        EXPECT_EQ(err(vfs::symlink_at(c, "x", kCwd, "/l")), EEXIST);
        EXPECT_EQ(err(vfs::symlink_at(c, "", kCwd, "/e")), ENOENT);
        // Trailing slash follows a final symlink to a directory.
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/ld/", abi::at::kSymlinkNofollow)).st_mode &
                      abi::mode::kIfmt,
                  abi::mode::kIfdir);
        // Dangling and self loops.
        MUST(vfs::symlink_at(c, "/nowhere", kCwd, "/dangle"));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/dangle", 0)), ENOENT);
        MUST(vfs::symlink_at(c, "/self", kCwd, "/self"));
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/self", 0)), ELOOP);
        // A chain of 40 links resolves; 41 is ELOOP.
        MUST(vfs::symlink_at(c, "/d/f", kCwd, "/c0"));
        for (int i = 1; i <= 40; ++i) {
            std::string name = "/c" + std::to_string(i);
            std::string prev = "/c" + std::to_string(i - 1);
            MUST(vfs::symlink_at(c, prev, kCwd, name));
        }
        EXPECT_TRUE(vfs::stat_at(c, kCwd, "/c39", 0).is_ok());
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/c40", 0)), ELOOP);
    });
}

TEST(VfsWalk, NameLimitsAndDots) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        std::string long_name(256, 'a');
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "/" + long_name, o::kCreat | o::kWronly, 0644)),
                  ENAMETOOLONG);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/" + long_name, 0)), ENAMETOOLONG);
        std::string ok_name(255, 'b');
        put_file(c, "/" + ok_name, "");
        std::string long_path(4096, '/');
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, long_path, 0)), ENAMETOOLONG);
        EXPECT_TRUE(vfs::stat_at(c, kCwd, std::string(4095, '/'), 0).is_ok());
        MUST(vfs::mkdir_at(c, kCwd, "/a", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/a/b", 0755));
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/a/b/../b/./..", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/a", 0)).st_ino);
        EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/../../..", 0)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/", 0)).st_ino);
        // AT_EMPTY_PATH.
        int fd = MUST(vfs::open_at(c, kCwd, "/a", o::kRdonly, 0));
        EXPECT_EQ(MUST(vfs::stat_at(c, fd, "", abi::at::kEmptyPath)).st_ino,
                  MUST(vfs::stat_at(c, kCwd, "/a", 0)).st_ino);
        EXPECT_EQ(err(vfs::stat_at(c, fd, "", 0)), ENOENT);
        EXPECT_EQ(err(vfs::stat_at(c, kCwd, "/a", 0x8)), EINVAL);
    });
}

TEST(VfsDir, ChdirGetcwdChroot) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/a", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/a/b", 0755));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/");
        MUST(vfs::chdir(c, "/a/b"));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/a/b");
        put_file(c, "rel", "r");
        EXPECT_EQ(get_file(c, "/a/b/rel"), "r");
        MUST(vfs::chdir(c, ".."));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/a");
        EXPECT_EQ(err(vfs::chdir(c, "/a/b/rel")), ENOTDIR);
        EXPECT_EQ(err(vfs::chdir(c, "/zz")), ENOENT);
        MUST(vfs::chroot(c, "/a"));
        EXPECT_EQ(get_file(c, "/b/rel"), "r");
        EXPECT_EQ(get_file(c, "/../../b/rel"), "r");
        Credentials user = Credentials::user(1000, 1000);
        EXPECT_EQ(err(vfs::chroot(w.as(user), "/b")), EPERM);
        // Removed cwd: getcwd marks it deleted.
        MUST(vfs::chdir(c, "/b"));
        MUST(vfs::unlink_at(c, kCwd, "/b/rel", 0));
        MUST(vfs::unlink_at(c, kCwd, "/b", abi::at::kRemovedir));
        EXPECT_EQ(MUST(vfs::getcwd(c)).view(), "/b (deleted)");
        EXPECT_EQ(err(vfs::open_at(c, kCwd, "new", o::kCreat | o::kWronly, 0644)), ENOENT);
    });
}

TEST(VfsDir, GetdentsListsEntries) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        for (int i = 0; i < 50; ++i)
            put_file(c, "/d/file" + std::to_string(i), "");
        MUST(vfs::mkdir_at(c, kCwd, "/d/sub", 0755));
        int fd = MUST(vfs::open_at(c, kCwd, "/d", o::kRdonly | o::kDirectory, 0));
        std::vector<std::string> names;
        std::vector<uint8_t> types;
        for (;;) {
            std::byte buf[300];
            auto wr = ostd::VmWriter::from_kernel(buf);
            size_t n = MUST(vfs::getdents(c, fd, wr));
            if (n == 0) break;
            size_t off = 0;
            while (off < n) {
                abi::LinuxDirent64 h;
                memcpy(&h, buf + off, sizeof h);
                names.emplace_back(
                    reinterpret_cast<const char*>(buf + off + abi::kDirentNameOffset));
                types.push_back(h.d_type);
                off += h.d_reclen;
            }
        }
        ASSERT_EQ(names.size(), 53u);
        EXPECT_EQ(names[0], ".");
        EXPECT_EQ(names[1], "..");
        EXPECT_EQ(names[52], "sub");
        EXPECT_EQ(types[52], abi::dt::kDir);
        EXPECT_EQ(types[2], abi::dt::kReg);
        std::byte tiny[8];
        auto tw = ostd::VmWriter::from_kernel(tiny);
        MUST(vfs::lseek(c, fd, 0, abi::seek::kSet));
        EXPECT_EQ(err(vfs::getdents(c, fd, tw)), EINVAL);
        int f = MUST(vfs::open_at(c, kCwd, "/d/file0", o::kRdonly, 0));
        EXPECT_EQ(err(vfs::getdents(c, f, tw)), ENOTDIR);
    });
}

}  // namespace
}  // namespace kernel::fs
