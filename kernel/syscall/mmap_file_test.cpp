// mmap of files: private copies read on first touch, errno paths (man 2 mmap).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

int64_t open_path(ScriptedUser& u, const char* path, int flags, int mode = 0644) {
    return u.syscall(SYS_openat, AT_FDCWD, u.push_string(path), flags, mode);
}

TEST(MmapFile, PrivateMappingReadsTheFileAndCopiesOnWrite) {
    int status = run_program("mmap_file", [](ScriptedUser& u) {
        int64_t fd = open_path(u, "/tmp/data", O_CREAT | O_RDWR);
        EXPECT_GE(fd, 0);
        // 1.5 pages of a pattern.
        char buf[6144];
        for (size_t i = 0; i < sizeof buf; ++i) buf[i] = char('a' + i % 26);
        EXPECT_EQ(u.syscall(SYS_write, fd, u.push(buf, sizeof buf), sizeof buf), 6144);
        int64_t m = u.syscall(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        EXPECT_GT(m, 0);
        char got[8];
        u.read(m + 4096 + 10, got, 8);
        EXPECT_EQ(memcmp(got, buf + 4096 + 10, 8), 0);
        EXPECT_EQ(u.read_u64(m + 6144), 0u);  // Past EOF in the last file page: zeros.
        u.write(m, "ZZ", 2);                  // Private: the file does not change.
        uint64_t back = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_pread64, fd, back, 2, 0), 2);
        char two[2];
        u.read(back, two, 2);
        EXPECT_EQ(two[0], 'a');
        // A mapping at a file offset.
        int64_t m2 = u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 4096);
        EXPECT_GT(m2, 0);
        u.read(m2, got, 8);
        EXPECT_EQ(memcmp(got, buf + 4096, 8), 0);
        // Errors.
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 99, 0), -EBADF);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 100), -EINVAL);
        int64_t wo = open_path(u, "/tmp/data", O_WRONLY);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
        int64_t ro = open_path(u, "/tmp/data", O_RDONLY);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0),
                  -EACCES);
        uint64_t fds = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_pipe2, fds, 0), 0);
        uint32_t pfd;
        u.read(fds, &pfd, 4);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, pfd, 0), -ENODEV);
        // The mapping outlives the descriptor.
        EXPECT_EQ(u.syscall(SYS_close, fd), 0);
        u.read(m + 100, got, 4);
        EXPECT_EQ(memcmp(got, buf + 100, 4), 0);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
