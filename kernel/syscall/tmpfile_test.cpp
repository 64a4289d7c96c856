// O_TMPFILE on tmpfs: an unnamed file in a directory, named later with linkat (AT_EMPTY_PATH or
// through /proc/self/fd with AT_SYMLINK_FOLLOW), O_EXCL forbidding that, and the errno paths.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;

constexpr uint64_t kTmpfileBit = 020000000;

int count_entries(ScriptedUser& u, const char* dir) {
    int64_t fd = u.syscall(SYS_openat, AT_FDCWD, u.push_string(dir), O_RDONLY | O_DIRECTORY);
    uint64_t buf = u.stack_alloc(4096);
    int names = 0;
    for (;;) {
        int64_t n = u.syscall(SYS_getdents64, fd, buf, 4096);
        if (n <= 0) break;
        for (int64_t off = 0; off < n;) {
            uint16_t reclen;
            u.read(buf + uint64_t(off) + 16, &reclen, 2);
            ++names;
            off += reclen;
        }
    }
    u.syscall(SYS_close, fd);
    return names;
}

std::string readlink(ScriptedUser& u, const std::string& path) {
    uint64_t buf = u.stack_alloc(256);
    int64_t n = u.syscall(SYS_readlink, u.push_string(path), buf, 255);
    if (n < 0) return "<" + std::to_string(n) + ">";
    std::string s(size_t(n), '\0');
    u.read(buf, s.data(), size_t(n));
    return s;
}

TEST(OTmpfile, UnnamedFileIsLinkedLater) {
    int status = run_program(
        "tmpfile",
        [](ScriptedUser& u) {
            auto open = [&](const char* p, uint64_t flags, uint64_t mode = 0600) {
                return u.syscall(SYS_openat, AT_FDCWD, u.push_string(p), flags, mode);
            };
            int before = count_entries(u, "/tmp");
            int64_t fd = open("/tmp", O_TMPFILE | O_RDWR);
            EXPECT_GE(fd, 0);
            EXPECT_EQ(u.syscall(SYS_write, fd, u.push_string("data"), 4), 4);
            struct stat st {};
            uint64_t stbuf = u.stack_alloc(sizeof st);
            EXPECT_EQ(u.syscall(SYS_fstat, fd, stbuf), 0);
            u.read(stbuf, &st, sizeof st);
            EXPECT_EQ(st.st_nlink, 0u);
            EXPECT_EQ(st.st_mode, S_IFREG | 0600u);
            EXPECT_EQ(st.st_size, 4);
            EXPECT_EQ(count_entries(u, "/tmp"), before);  // no name anywhere
            std::string link = readlink(u, "/proc/self/fd/" + std::to_string(fd));
            EXPECT_EQ(link.rfind("/tmp/#", 0), 0u) << link;
            EXPECT_NE(link.find(" (deleted)"), std::string::npos) << link;

            // AT_EMPTY_PATH (privileged) names it; the link count becomes 1.
            EXPECT_EQ(u.syscall(SYS_linkat, fd, u.push_string(""), AT_FDCWD,
                                u.push_string("/tmp/named"), AT_EMPTY_PATH),
                      0);
            EXPECT_EQ(u.syscall(SYS_fstat, fd, stbuf), 0);
            u.read(stbuf, &st, sizeof st);
            EXPECT_EQ(st.st_nlink, 1u);
            int64_t named = open("/tmp/named", O_RDONLY);
            uint64_t rd = u.stack_alloc(8);
            EXPECT_EQ(u.syscall(SYS_read, named, rd, 8), 4);
            EXPECT_EQ(count_entries(u, "/tmp"), before + 1);

            // Through the magic link with AT_SYMLINK_FOLLOW.
            int64_t fd2 = open("/tmp", O_TMPFILE | O_WRONLY);
            EXPECT_GE(fd2, 0);
            std::string magic = "/proc/self/fd/" + std::to_string(fd2);
            EXPECT_EQ(u.syscall(SYS_linkat, AT_FDCWD, u.push_string(magic), AT_FDCWD,
                                u.push_string("/tmp/named2"), AT_SYMLINK_FOLLOW),
                      0);
            EXPECT_EQ(u.syscall(SYS_newfstatat, AT_FDCWD, u.push_string("/tmp/named2"), stbuf, 0),
                      0);

            // O_EXCL: never linkable.
            int64_t fd3 = open("/tmp", O_TMPFILE | O_RDWR | O_EXCL);
            EXPECT_GE(fd3, 0);
            EXPECT_EQ(u.syscall(SYS_linkat, fd3, u.push_string(""), AT_FDCWD,
                                u.push_string("/tmp/named3"), AT_EMPTY_PATH),
                      -ENOENT);

            // Errors.
            EXPECT_EQ(open("/tmp", O_TMPFILE | O_RDONLY), -EINVAL);
            EXPECT_EQ(open("/tmp", kTmpfileBit | O_RDWR), -EINVAL);
            EXPECT_EQ(open("/tmp", O_TMPFILE | O_RDWR | O_CREAT), -EINVAL);
            EXPECT_EQ(open("/tmp/named", O_TMPFILE | O_RDWR), -ENOTDIR);
            EXPECT_EQ(open("/tmp/missing", O_TMPFILE | O_RDWR), -ENOENT);
            EXPECT_EQ(open("/proc", O_TMPFILE | O_RDWR), -EOPNOTSUPP);
            EXPECT_EQ(u.syscall(SYS_openat, AT_FDCWD, 0x8, O_TMPFILE | O_RDWR, 0600), -EFAULT);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
