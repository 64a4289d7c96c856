// mmap of files: private copies read on first touch, shared mappings of the file's own pages,
// msync, errno paths (man 2 mmap, man 2 msync).
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

TEST(MmapFile, SharedMappingIsTheFileItself) {
    int status = run_program("mmap_shared", [](ScriptedUser& u) {
        int64_t fd = open_path(u, "/tmp/shared", O_CREAT | O_RDWR);
        EXPECT_GE(fd, 0);
        char buf[5000];
        for (size_t i = 0; i < sizeof buf; ++i) buf[i] = char('a' + i % 26);
        EXPECT_EQ(u.syscall(SYS_write, fd, u.push(buf, sizeof buf), sizeof buf), 5000);
        int64_t m = u.syscall(SYS_mmap, 0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        EXPECT_GT(m, 0);
        char got[8];
        u.read(m + 4096, got, 8);
        EXPECT_EQ(memcmp(got, buf + 4096, 8), 0);
        // A store through the mapping is what read() returns, and pwrite shows in the mapping.
        u.write(m + 10, "MAPPED", 6);
        uint64_t back = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_pread64, fd, back, 6, 10), 6);
        u.read(back, got, 6);
        EXPECT_EQ(memcmp(got, "MAPPED", 6), 0);
        EXPECT_EQ(u.syscall(SYS_pwrite64, fd, u.push("FILE", 4), 4, 4100), 4);
        u.read(m + 4100, got, 4);
        EXPECT_EQ(memcmp(got, "FILE", 4), 0);
        // A second, read-only shared mapping of the same page sees the first one's stores, and
        // write access added by mprotect goes to the same page.
        int64_t m2 = u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 0);
        EXPECT_GT(m2, 0);
        u.read(m2 + 10, got, 6);
        EXPECT_EQ(memcmp(got, "MAPPED", 6), 0);
        EXPECT_EQ(u.syscall(SYS_mprotect, m2, 4096, PROT_READ | PROT_WRITE), 0);
        u.write(m2 + 30, "X", 1);
        u.read(m + 30, got, 1);
        EXPECT_EQ(got[0], 'X');
        // The file's size does not change through the mapping (bytes past EOF in the last page).
        u.write(m + 5000, "tail", 4);
        uint64_t st = u.stack_alloc(144);
        EXPECT_EQ(u.syscall(SYS_fstat, fd, st), 0);
        EXPECT_EQ(u.read_u64(st + 48), 5000u);  // st_size
        // msync: nothing to write back, but the range and flag rules hold.
        EXPECT_EQ(u.syscall(SYS_msync, m, 8192, MS_SYNC), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m, 100, MS_ASYNC | MS_INVALIDATE), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m + 1, 4096, MS_SYNC), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_msync, m, 4096, MS_SYNC | MS_ASYNC), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_msync, m, 4096, 0x100), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_munmap, m, 8192), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m, 4096, MS_SYNC), -ENOMEM);
        // After munmap and close the stores are still in the file.
        EXPECT_EQ(u.syscall(SYS_close, fd), 0);
        int64_t rd = open_path(u, "/tmp/shared", O_RDONLY);
        EXPECT_EQ(u.syscall(SYS_pread64, rd, back, 6, 10), 6);
        u.read(back, got, 6);
        EXPECT_EQ(memcmp(got, "MAPPED", 6), 0);
        // Writable shared mappings need a writable descriptor; other file types have no pages.
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0),
                  -EACCES);
        int64_t null = open_path(u, "/dev/null", O_RDWR);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, null, 0),
                  -ENODEV);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(MmapFile, SharedMappingIsSharedAcrossFork) {
    int status = run_program("mmap_shared_fork", [](ScriptedUser& u) {
        int64_t fd = open_path(u, "/tmp/sf", O_CREAT | O_RDWR);
        EXPECT_EQ(u.syscall(SYS_ftruncate, fd, 4096), 0);
        int64_t m = u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        EXPECT_GT(m, 0);
        int64_t pid = u.fork([m](ScriptedUser& cu) {
            cu.write(static_cast<uint64_t>(m) + 8, "child", 5);
            return 0;
        });
        EXPECT_GT(pid, 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, 0, 0, 0), pid);
        char got[5];
        u.read(m + 8, got, 5);
        EXPECT_EQ(memcmp(got, "child", 5), 0);
        uint64_t back = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_pread64, fd, back, 5, 8), 5);
        u.read(back, got, 5);
        EXPECT_EQ(memcmp(got, "child", 5), 0);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
