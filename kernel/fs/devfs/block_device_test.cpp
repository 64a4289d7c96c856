// Block devices through the syscalls: /dev/ram0 (a RamDisk) reads, writes, seeks and answers
// BLKGETSIZE64/BLKGETSIZE/BLKSSZGET; the end of the device (0 on read, ENOSPC on write); a
// block node without a driver is ENXIO; EFAULT and ENOTTY for ioctls.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;

constexpr uint64_t kBlkGetSize64 = 0x80081272, kBlkGetSize = 0x1260, kBlkSszGet = 0x1268;
constexpr uint64_t kDisk = uint64_t{16} << 20;

TEST(BlockDevice, RamDiskReadWriteSeekAndIoctls) {
    int status = run_program(
        "ramdisk",
        [](ScriptedUser& u) {
            int64_t fd = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/dev/ram0"), O_RDWR);
            EXPECT_GE(fd, 0);
            struct stat st {};
            uint64_t stbuf = u.stack_alloc(sizeof st);
            EXPECT_EQ(u.syscall(SYS_fstat, fd, stbuf), 0);
            u.read(stbuf, &st, sizeof st);
            EXPECT_TRUE(S_ISBLK(st.st_mode));
            EXPECT_EQ(st.st_rdev, makedev(1, 0));

            uint64_t out = u.stack_alloc(8);
            EXPECT_EQ(u.syscall(SYS_ioctl, fd, kBlkGetSize64, out), 0);
            EXPECT_EQ(u.read_u64(out), kDisk);
            EXPECT_EQ(u.syscall(SYS_ioctl, fd, kBlkGetSize, out), 0);
            EXPECT_EQ(u.read_u64(out), kDisk / 512);
            u.write_u64(out, 0);
            EXPECT_EQ(u.syscall(SYS_ioctl, fd, kBlkSszGet, out), 0);
            EXPECT_EQ(u.read_u64(out) & 0xffffffff, 512u);
            EXPECT_EQ(u.syscall(SYS_ioctl, fd, kBlkGetSize64, 0x8), -EFAULT);
            EXPECT_EQ(u.syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, out), -ENOTTY);

            // Unwritten sectors read as zeros; writes stick, across descriptors.
            uint64_t buf = u.stack_alloc(16);
            EXPECT_EQ(u.syscall(SYS_pread64, fd, buf, 8, 12345), 8);
            EXPECT_EQ(u.read_u64(buf), 0u);
            EXPECT_EQ(u.syscall(SYS_pwrite64, fd, u.push_string("sector!"), 7, 4093), 7);
            int64_t fd2 = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/dev/ram0"), O_RDONLY);
            EXPECT_EQ(u.syscall(SYS_lseek, fd2, 4093, SEEK_SET), 4093);
            EXPECT_EQ(u.syscall(SYS_read, fd2, buf, 7), 7);
            EXPECT_EQ(u.read_string(buf, 7), "sector!");

            // The end of the device.
            EXPECT_EQ(u.syscall(SYS_lseek, fd, 0, SEEK_END), int64_t(kDisk));
            EXPECT_EQ(u.syscall(SYS_read, fd, buf, 8), 0);
            EXPECT_EQ(u.syscall(SYS_write, fd, buf, 8), -ENOSPC);
            EXPECT_EQ(u.syscall(SYS_lseek, fd, -4, SEEK_END), int64_t(kDisk - 4));
            EXPECT_EQ(u.syscall(SYS_write, fd, u.push_string("abcdefgh"), 8), 4);  // short
            EXPECT_EQ(u.syscall(SYS_pread64, fd, buf, 8, kDisk - 4), 4);
            EXPECT_EQ(u.syscall(SYS_lseek, fd, -1, SEEK_SET), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_lseek, fd, 0, 9), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_fsync, fd), 0);
            EXPECT_EQ(u.syscall(SYS_write, fd2, buf, 1), -EBADF);  // opened read-only

            // A block node nobody drives.
            EXPECT_EQ(u.syscall(SYS_mknodat, AT_FDCWD, u.push_string("/tmp/blk"), S_IFBLK | 0600,
                                makedev(7, 3)),
                      0);
            EXPECT_EQ(u.syscall(SYS_openat, AT_FDCWD, u.push_string("/tmp/blk"), O_RDWR), -ENXIO);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
