// mmap of files: private copies read on first touch; MAP_SHARED mappings of tmpfs files map the
// page cache itself (writes seen by read(2) and other mappers, SIGBUS past EOF, truncate);
// msync; errno paths (man 2 mmap, man 2 msync).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <csignal>

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
        // No page cache to share (a procfs snapshot): a writable shared mapping is ENODEV.
        int64_t proc = open_path(u, "/proc/self/status", O_RDWR);
        if (proc >= 0)
            EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, proc, 0),
                      -ENODEV);
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

std::string read_mem(ScriptedUser& u, uint64_t va, size_t n) {
    std::string s(n, '\0');
    u.read(va, s.data(), n);
    return s;
}

std::string pread_str(ScriptedUser& u, int64_t fd, uint64_t off, size_t n) {
    uint64_t buf = u.stack_alloc(64);
    int64_t got = u.syscall(SYS_pread64, fd, buf, n, off);
    if (got < 0) return "<" + std::to_string(got) + ">";
    return read_mem(u, buf, size_t(got));
}

// The wait status of a child that touches `va` (reads 8 bytes).
int touch_in_child(ScriptedUser& u, uint64_t va) {
    int64_t pid = u.fork([va](ScriptedUser& c) {
        (void)c.read_u64(va);
        return 0;
    });
    uint64_t st = u.stack_alloc(8);
    EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
    uint32_t status;
    u.read(st, &status, 4);
    return int(status);
}

TEST(MmapFile, SharedMappingIsThePageCache) {
    int status = run_program("mmap_shared", [](ScriptedUser& u) {
        int64_t fd = open_path(u, "/tmp/shared", O_CREAT | O_RDWR);
        char buf[6144];
        for (size_t i = 0; i < sizeof buf; ++i) buf[i] = char('a' + i % 26);
        EXPECT_EQ(u.syscall(SYS_write, fd, u.push(buf, sizeof buf), sizeof buf), 6144);
        int64_t m = u.syscall(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        EXPECT_GT(m, 0);
        // Stores reach the file, file writes reach the mapping.
        u.write(m + 10, "HELLO", 5);
        EXPECT_EQ(pread_str(u, fd, 10, 5), "HELLO");
        EXPECT_EQ(u.syscall(SYS_pwrite64, fd, u.push_string("WORLD"), 5, 4100), 5);
        EXPECT_EQ(read_mem(u, m + 4100, 5), "WORLD");
        // A second mapping at a file offset shares the same page.
        int64_t m2 = u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
        EXPECT_EQ(read_mem(u, m2 + 4, 5), "WORLD");
        u.write(m2 + 4, "world", 5);
        EXPECT_EQ(read_mem(u, m + 4100, 5), "world");
        // A fork child writes through its inherited mapping.
        int64_t pid = u.fork([m](ScriptedUser& c) {
            c.write(m + 20, "CHILD", 5);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_wait4, pid, 0, 0, 0), pid);
        EXPECT_EQ(read_mem(u, m + 20, 5), "CHILD");
        EXPECT_EQ(pread_str(u, fd, 20, 5), "CHILD");
        // Past the end of the file (page 2 of the mapping): SIGBUS.
        int st = touch_in_child(u, uint64_t(m) + 2 * 4096);
        EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS) << st;
        // Within the last file page but past EOF: zeros, and stores there are not file data.
        EXPECT_EQ(u.read_u64(m + 6144), 0u);
        // Truncation unmaps the pages past the new end in every mapper: SIGBUS there now,
        // also for pages this process had mapped; growing the file again brings zeros.
        EXPECT_EQ(u.read_u64(m + 4096) != 0, true);
        EXPECT_EQ(u.syscall(SYS_ftruncate, fd, 4096), 0);
        st = touch_in_child(u, uint64_t(m) + 4096);
        EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS) << st;
        EXPECT_EQ(read_mem(u, m + 10, 5), "HELLO");  // before the cut: still shared
        EXPECT_EQ(u.syscall(SYS_ftruncate, fd, 8192), 0);
        EXPECT_EQ(u.read_u64(m + 4096), 0u);
        EXPECT_EQ(u.read_u64(m2), 0u);
        u.write(m2, "again", 5);
        EXPECT_EQ(pread_str(u, fd, 4096, 5), "again");
        // msync: the page cache is the file, so only the checks remain.
        EXPECT_EQ(u.syscall(SYS_msync, m, 8192, MS_SYNC), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m, 8192, MS_ASYNC | MS_INVALIDATE), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m + 1, 4096, MS_SYNC), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_msync, m, 4096, MS_SYNC | MS_ASYNC), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_msync, m, 4096, 8), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_munmap, m2, 4096), 0);
        EXPECT_EQ(u.syscall(SYS_msync, m2, 4096, MS_SYNC), -ENOMEM);
        EXPECT_EQ(u.syscall(SYS_msync, m, 0, MS_SYNC), 0);
        // The mapping outlives the descriptor and the name.
        EXPECT_EQ(u.syscall(SYS_close, fd), 0);
        EXPECT_EQ(u.syscall(SYS_unlink, u.push_string("/tmp/shared")), 0);
        u.write(m, "x", 1);
        EXPECT_EQ(read_mem(u, m + 10, 5), "HELLO");
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
