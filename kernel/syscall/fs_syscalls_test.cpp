// File-system syscalls through the real dispatch path from a scripted init: success and errno
// paths (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EACCES, EPERM, ELOOP, ENAMETOOLONG,
// EBADF, EINVAL, EFAULT, EBUSY, EXDEV), pipes, polling and descriptors.
#include <fcntl.h>
#include <linux/stat.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;

constexpr uint64_t kBadPtr = 0x8;

struct Sys {
    ScriptedUser& u;
    int64_t open(const std::string& p, int flags, int mode = 0644) {
        return u.syscall(SYS_openat, AT_FDCWD, u.push_string(p), flags, mode);
    }
    int64_t write(int fd, const std::string& s) {
        return u.syscall(SYS_write, fd, u.push(s.data(), s.size()), s.size());
    }
    std::string read(int fd, size_t max = 256) {
        uint64_t buf = u.stack_alloc(max);
        int64_t n = u.syscall(SYS_read, fd, buf, max);
        if (n < 0) return "<" + std::to_string(n) + ">";
        std::string s(size_t(n), '\0');
        u.read(buf, s.data(), size_t(n));
        return s;
    }
    int64_t stat(const std::string& p, struct stat* st) {
        uint64_t buf = u.stack_alloc(sizeof *st);
        int64_t r = u.syscall(SYS_newfstatat, AT_FDCWD, u.push_string(p), buf, 0);
        if (r == 0) u.read(buf, st, sizeof *st);
        return r;
    }
    int64_t path_call(long nr, const std::string& p, uint64_t a1 = 0, uint64_t a2 = 0) {
        return u.syscall(nr, u.push_string(p), a1, a2);
    }
    int64_t two_paths(long nr, const std::string& a, const std::string& b) {
        return u.syscall(nr, u.push_string(a), u.push_string(b));
    }
};

TEST(FsSyscalls, FileLifecycleAndErrnos) {
    int status = run_program(
        "fs-file",
        [](ScriptedUser& u) {
            Sys s{u};
            int fd = int(s.open("/tmp/f", O_RDWR | O_CREAT | O_EXCL, 0640));
            EXPECT_GE(fd, 3);  // 0-2 are the console
            EXPECT_EQ(s.write(fd, "hello, vfs"), 10);
            EXPECT_EQ(u.syscall(SYS_lseek, fd, 7, SEEK_SET), 7);
            EXPECT_EQ(s.read(fd), "vfs");
            EXPECT_EQ(u.syscall(SYS_pread64, fd, u.stack_alloc(8), 5, -1), -EINVAL);
            struct stat st {};
            EXPECT_EQ(s.stat("/tmp/f", &st), 0);
            EXPECT_EQ(st.st_size, 10);
            EXPECT_EQ(st.st_mode, S_IFREG | 0640u);
            EXPECT_EQ(u.syscall(SYS_fstat, fd, kBadPtr), -EFAULT);
            EXPECT_EQ(u.syscall(SYS_read, fd, kBadPtr, 10), 0);  // at EOF nothing is copied
            EXPECT_EQ(u.syscall(SYS_pread64, fd, kBadPtr, 10, 0), -EFAULT);
            EXPECT_EQ(s.open("/tmp/f", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
            EXPECT_EQ(s.open("/nope/x", O_RDONLY), -ENOENT);
            EXPECT_EQ(s.open("/tmp/f/x", O_RDONLY), -ENOTDIR);
            EXPECT_EQ(s.open("/tmp", O_WRONLY), -EISDIR);
            EXPECT_EQ(s.open("", O_RDONLY), -ENOENT);
            EXPECT_EQ(u.syscall(SYS_openat, AT_FDCWD, kBadPtr, O_RDONLY, 0), -EFAULT);
            EXPECT_EQ(s.open("/" + std::string(300, 'n'), O_RDONLY), -ENAMETOOLONG);
            EXPECT_EQ(s.open(std::string(5000, '/'), O_RDONLY), -ENAMETOOLONG);
            EXPECT_EQ(u.syscall(SYS_close, fd), 0);
            EXPECT_EQ(u.syscall(SYS_close, fd), -EBADF);
            EXPECT_EQ(s.write(fd, "x"), -EBADF);
            // writev/readv with two buffers.
            fd = int(s.open("/tmp/v", O_RDWR | O_CREAT | O_TRUNC));
            struct iovec iov[2] = {{reinterpret_cast<void*>(u.push_string("ab")), 2},
                                   {reinterpret_cast<void*>(u.push_string("cde")), 3}};
            EXPECT_EQ(u.syscall(SYS_writev, fd, u.push(iov, sizeof iov), 2), 5);
            EXPECT_EQ(u.syscall(SYS_pwritev, fd, u.push(iov, sizeof iov), 1, 10), 2);
            EXPECT_EQ(u.syscall(SYS_writev, fd, u.push(iov, sizeof iov), -1), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_readv, fd, kBadPtr, 1), -EFAULT);
            EXPECT_EQ(u.syscall(SYS_ftruncate, fd, 3), 0);
            EXPECT_EQ(u.syscall(SYS_pread64, fd, u.stack_alloc(8), 8, 0), 3);
            EXPECT_EQ(u.syscall(SYS_creat, u.push_string("/tmp/c"), 0600), fd + 1);
            EXPECT_EQ(s.path_call(SYS_unlink, "/tmp/c"), 0);
            EXPECT_EQ(s.path_call(SYS_unlink, "/tmp/c"), -ENOENT);
            EXPECT_EQ(s.path_call(SYS_truncate, "/tmp", 0), -EISDIR);
            // stdout goes to the console device.
            EXPECT_EQ(s.write(1, "fs syscalls test: console\n"), 26);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FsSyscalls, DirectoriesLinksAndRenames) {
    int status = run_program(
        "fs-dir",
        [](ScriptedUser& u) {
            Sys s{u};
            EXPECT_EQ(s.path_call(SYS_mkdir, "/tmp/d", 0755), 0);
            EXPECT_EQ(s.path_call(SYS_mkdir, "/tmp/d", 0755), -EEXIST);
            EXPECT_EQ(s.path_call(SYS_chdir, "/tmp/d"), 0);
            uint64_t buf = u.stack_alloc(256);
            EXPECT_EQ(u.syscall(SYS_getcwd, buf, 256), 7);
            EXPECT_EQ(u.read_string(buf), "/tmp/d");
            EXPECT_EQ(u.syscall(SYS_getcwd, buf, 3), -ERANGE);
            int fd = int(s.open("file", O_WRONLY | O_CREAT));
            EXPECT_EQ(s.write(fd, "data"), 4);
            EXPECT_EQ(s.two_paths(SYS_link, "file", "hard"), 0);
            EXPECT_EQ(s.two_paths(SYS_link, "file", "hard"), -EEXIST);
            EXPECT_EQ(s.two_paths(SYS_symlink, "file", "soft"), 0);
            EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("soft"), buf, 256), 4);
            EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("file"), buf, 256), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("soft"), buf, 0), -EINVAL);
            EXPECT_EQ(s.two_paths(SYS_symlink, "loop", "loop"), 0);
            EXPECT_EQ(s.open("loop", O_RDONLY), -ELOOP);
            EXPECT_EQ(s.open("soft", O_RDONLY | O_NOFOLLOW), -ELOOP);
            struct stat st {};
            EXPECT_EQ(s.stat("hard", &st), 0);
            EXPECT_EQ(st.st_nlink, 2u);
            EXPECT_EQ(s.path_call(SYS_rmdir, "/tmp/d"), -ENOTEMPTY);
            EXPECT_EQ(s.path_call(SYS_rmdir, "file"), -ENOTDIR);
            EXPECT_EQ(s.path_call(SYS_unlink, "/tmp/d"), -EISDIR);
            EXPECT_EQ(s.two_paths(SYS_rename, "file", "moved"), 0);
            EXPECT_EQ(u.syscall(SYS_renameat2, AT_FDCWD, u.push_string("moved"), AT_FDCWD,
                                u.push_string("hard"), 1 /* RENAME_NOREPLACE */),
                      -EEXIST);
            EXPECT_EQ(s.two_paths(SYS_rename, "/tmp/d", "/tmp/d/sub"), -EINVAL);
            // /proc is another mount: EXDEV; a mountpoint is busy.
            EXPECT_EQ(s.two_paths(SYS_rename, "moved", "/proc/x"), -EXDEV);
            EXPECT_EQ(s.path_call(SYS_rmdir, "/proc"), -EBUSY);
            // getdents64 lists what is there.
            int dfd = int(s.open(".", O_RDONLY | O_DIRECTORY));
            uint64_t dbuf = u.stack_alloc(1024);
            int64_t n = u.syscall(SYS_getdents64, dfd, dbuf, 1024);
            EXPECT_GT(n, 0);
            std::string names;
            for (int64_t off = 0; off < n;) {
                uint16_t reclen = 0;
                u.read(dbuf + off + 16, &reclen, 2);
                names += u.read_string(dbuf + off + 19) + ",";
                off += reclen;
            }
            EXPECT_EQ(names, ".,..,moved,hard,soft,loop,");  // rename keeps the slot
            EXPECT_EQ(u.syscall(SYS_getdents64, dfd, dbuf, 1024), 0);
            EXPECT_EQ(u.syscall(SYS_lseek, dfd, 0, SEEK_SET), 0);
            EXPECT_EQ(u.syscall(SYS_getdents64, dfd, kBadPtr, 1024), -EFAULT);
            EXPECT_EQ(u.syscall(SYS_getdents64, fd, dbuf, 1024), -ENOTDIR);
            // Permissions: an unprivileged user cannot write the root-owned directory.
            EXPECT_EQ(s.path_call(SYS_chmod, "/tmp/d", 0755), 0);
            EXPECT_EQ(u.syscall(SYS_setresuid, 1000, 1000, 1000), 0);
            EXPECT_EQ(s.open("/tmp/d/new", O_CREAT | O_WRONLY), -EACCES);
            EXPECT_EQ(s.path_call(SYS_chmod, "/tmp/d", 0777), -EPERM);
            EXPECT_EQ(s.path_call(SYS_chroot, "/tmp"), -EPERM);
            EXPECT_EQ(u.syscall(SYS_mount, u.push_string("x"), u.push_string("/tmp"),
                                u.push_string("tmpfs"), 0, 0),
                      -EPERM);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FsSyscalls, PipesDescriptorsAndPolling) {
    int status = run_program(
        "fs-pipe",
        [](ScriptedUser& u) {
            Sys s{u};
            uint64_t pfd = u.stack_alloc(8);
            EXPECT_EQ(u.syscall(SYS_pipe2, pfd, O_NONBLOCK | O_CLOEXEC), 0);
            int32_t p[2];
            u.read(pfd, p, sizeof p);
            EXPECT_EQ(u.syscall(SYS_pipe2, kBadPtr, 0), -EFAULT);
            EXPECT_EQ(u.syscall(SYS_pipe2, pfd, 0x1), -EINVAL);
            EXPECT_EQ(s.read(p[0]), "<-11>");  // EAGAIN
            EXPECT_EQ(s.write(p[1], "ping"), 4);
            uint64_t avail = u.stack_alloc(4);
            EXPECT_EQ(u.syscall(SYS_ioctl, p[0], FIONREAD, avail), 0);
            int32_t navail = 0;
            u.read(avail, &navail, 4);
            EXPECT_EQ(navail, 4);
            struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
            uint64_t upf = u.push(pf, sizeof pf);
            EXPECT_EQ(u.syscall(SYS_poll, upf, 2, 0), 2);
            EXPECT_EQ(s.read(p[0]), "ping");
            EXPECT_EQ(u.syscall(SYS_poll, upf, 2, 0), 1);
            EXPECT_EQ(u.syscall(SYS_poll, kBadPtr, 1, 0), -EFAULT);
            // select: the write end is writable, the read end is not readable.
            uint64_t sets = u.stack_alloc(16);
            uint64_t rbits = uint64_t(1) << p[0], wbits = uint64_t(1) << p[1];
            u.write_u64(sets, rbits);
            u.write_u64(sets + 8, wbits);
            uint64_t tv = u.stack_alloc(16);
            EXPECT_EQ(u.syscall(SYS_select, 64, sets, sets + 8, 0, tv), 1);
            EXPECT_EQ(u.read_u64(sets), 0u);
            EXPECT_EQ(u.read_u64(sets + 8), wbits);
            u.write_u64(sets, uint64_t(1) << 50);
            EXPECT_EQ(u.syscall(SYS_select, 64, sets, 0, 0, tv), -EBADF);
            // fcntl and dup family.
            EXPECT_EQ(u.syscall(SYS_fcntl, p[0], F_GETFD), FD_CLOEXEC);
            EXPECT_EQ(u.syscall(SYS_fcntl, p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
            EXPECT_EQ(u.syscall(SYS_fcntl, p[1], F_SETPIPE_SZ, 8192), 8192);
            EXPECT_EQ(u.syscall(SYS_fcntl, p[0], F_GETPIPE_SZ), 8192);
            EXPECT_EQ(u.syscall(SYS_dup2, p[1], 20), 20);
            EXPECT_EQ(u.syscall(SYS_fcntl, 20, F_GETFD), 0);
            EXPECT_EQ(u.syscall(SYS_dup3, 20, 20, 0), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_dup, 99), -EBADF);
            EXPECT_EQ(u.syscall(SYS_close, p[1]), 0);
            EXPECT_EQ(s.write(20, "via dup"), 7);
            EXPECT_EQ(u.syscall(SYS_close, 20), 0);
            EXPECT_EQ(s.read(p[0]), "via dup");
            EXPECT_EQ(s.read(p[0]), "");  // all writers gone: EOF
            // eventfd + epoll.
            int efd = int(u.syscall(SYS_eventfd2, 0, EFD_NONBLOCK));
            int ep = int(u.syscall(SYS_epoll_create1, 0));
            struct epoll_event ev {};
            ev.events = EPOLLIN;
            ev.data.u64 = 0xfeed;
            EXPECT_EQ(u.syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, u.push(&ev, sizeof ev)), 0);
            EXPECT_EQ(u.syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, kBadPtr), -EFAULT);
            uint64_t evs = u.stack_alloc(sizeof(struct epoll_event) * 4);
            EXPECT_EQ(u.syscall(SYS_epoll_wait, ep, evs, 4, 0), 0);
            uint64_t one = 1;
            EXPECT_EQ(u.syscall(SYS_write, efd, u.push(&one, 8), 8), 8);
            EXPECT_EQ(u.syscall(SYS_epoll_wait, ep, evs, 4, 10), 1);
            struct epoll_event got {};
            u.read(evs, &got, sizeof got);
            uint64_t data = 0;
            memcpy(&data, reinterpret_cast<const char*>(&got) + 4, 8);
            EXPECT_EQ(data, 0xfeedu);
            EXPECT_EQ(u.syscall(SYS_epoll_wait, ep, evs, 0, 0), -EINVAL);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(FsSyscalls, StatxAccessXattrsAndMounts) {
    int status = run_program(
        "fs-attr",
        [](ScriptedUser& u) {
            Sys s{u};
            int fd = int(s.open("/tmp/a", O_RDWR | O_CREAT, 0600));
            uint64_t sx = u.stack_alloc(256);
            EXPECT_EQ(
                u.syscall(SYS_statx, AT_FDCWD, u.push_string("/tmp/a"), 0, STATX_BASIC_STATS, sx),
                0);
            struct statx x {};
            u.read(sx, &x, sizeof x);
            EXPECT_EQ(x.stx_mode, S_IFREG | 0600);
            EXPECT_EQ(
                u.syscall(SYS_statx, fd, u.push_string(""), AT_EMPTY_PATH, STATX_BASIC_STATS, sx),
                0);
            EXPECT_EQ(u.syscall(SYS_statx, fd, u.push_string(""), 0, STATX_BASIC_STATS, sx),
                      -ENOENT);
            EXPECT_EQ(s.path_call(SYS_access, "/tmp/a", R_OK | W_OK), 0);
            EXPECT_EQ(s.path_call(SYS_access, "/tmp/a", X_OK), -EACCES);
            EXPECT_EQ(s.path_call(SYS_access, "/tmp/a", 8), -EINVAL);
            EXPECT_EQ(u.syscall(SYS_setxattr, u.push_string("/tmp/a"), u.push_string("user.k"),
                                u.push_string("v"), 1, 0),
                      0);
            uint64_t vb = u.stack_alloc(16);
            EXPECT_EQ(
                u.syscall(SYS_getxattr, u.push_string("/tmp/a"), u.push_string("user.k"), vb, 16),
                1);
            EXPECT_EQ(u.syscall(SYS_fgetxattr, fd, u.push_string("user.k"), 0, 0), 1);
            EXPECT_EQ(
                u.syscall(SYS_getxattr, u.push_string("/tmp/a"), u.push_string("user.z"), vb, 16),
                -ENODATA);
            EXPECT_EQ(u.syscall(SYS_flistxattr, fd, vb, 16), 7);
            EXPECT_EQ(u.syscall(SYS_fremovexattr, fd, u.push_string("user.k")), 0);
            EXPECT_EQ(u.syscall(SYS_fallocate, fd, 0, 0, 100), 0);
            EXPECT_EQ(u.syscall(SYS_fallocate, fd, 0, -1, 100), -EINVAL);
            struct timespec ts[2] = {{5, 0}, {6, 0}};
            EXPECT_EQ(u.syscall(SYS_utimensat, AT_FDCWD, u.push_string("/tmp/a"),
                                u.push(ts, sizeof ts), 0),
                      0);
            EXPECT_EQ(u.syscall(SYS_utimensat, fd, 0, 0, 0), 0);
            EXPECT_EQ(u.syscall(SYS_fchmod, fd, 0644), 0);
            EXPECT_EQ(u.syscall(SYS_fchown, fd, 7, 7), 0);
            EXPECT_EQ(u.syscall(SYS_fsync, fd), 0);
            EXPECT_EQ(u.syscall(SYS_sync), 0);
            // mount/umount and statfs.
            EXPECT_EQ(s.path_call(SYS_mkdir, "/mnt", 0755), 0);
            EXPECT_EQ(u.syscall(SYS_mount, u.push_string("none"), u.push_string("/mnt"),
                                u.push_string("tmpfs"), 0, u.push_string("size=64k")),
                      0);
            uint64_t sfs = u.stack_alloc(120);
            EXPECT_EQ(u.syscall(SYS_statfs, u.push_string("/mnt"), sfs), 0);
            EXPECT_EQ(u.read_u64(sfs), 0x01021994u);  // TMPFS_MAGIC
            EXPECT_EQ(u.read_u64(sfs + 16), 16u);     // 64 KiB in 4 KiB blocks
            EXPECT_EQ(u.syscall(SYS_umount2, u.push_string("/mnt"), 0), 0);
            EXPECT_EQ(u.syscall(SYS_umount2, u.push_string("/mnt"), 0), -EINVAL);
            // /proc is there.
            int pm = int(s.open("/proc/mounts", O_RDONLY));
            EXPECT_GE(pm, 0);
            EXPECT_NE(s.read(pm, 512).find("proc /proc proc rw 0 0"), std::string::npos);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace

namespace {

std::vector<std::byte> newc(
    const std::vector<std::pair<std::string, std::pair<uint32_t, std::string>>>& entries,
    bool corrupt_second = false) {
    std::string out;
    auto pad = [&] {
        while (out.size() % 4)
            out.push_back('\0');
    };
    uint32_t ino = 1;
    auto add = [&](const std::string& name, uint32_t mode, const std::string& data) {
        char hdr[111];
        snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                 ino++, mode, 0u, 0u, 1u, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u,
                 unsigned(name.size() + 1), 0u);
        out += hdr;
        out += name;
        out.push_back('\0');
        pad();
        out += data;
        pad();
    };
    size_t n = 0;
    for (auto& [name, md] : entries) {
        size_t at = out.size();
        add(name, md.first, md.second);
        if (corrupt_second && ++n == 2) out[at] = 'X';
    }
    add("TRAILER!!!", 0, "");
    std::vector<std::byte> b(out.size());
    memcpy(b.data(), out.data(), out.size());
    return b;
}

TEST(FsBoot, InitramfsBecomesTheRootOfInit) {
    auto config = kernel_machine();
    config.initramfs = newc({{"etc", {040755, ""}},
                             {"etc/motd", {0100644, "welcome\n"}},
                             {"bin", {040755, ""}},
                             {"bin/sh", {0120777, "busybox"}}});
    int status = run_program(
        "fs-boot",
        [](ScriptedUser& u) {
            Sys s{u};
            int fd = int(s.open("/etc/motd", O_RDONLY));
            EXPECT_GE(fd, 3);
            EXPECT_EQ(s.read(fd), "welcome\n");
            uint64_t buf = u.stack_alloc(64);
            EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("/bin/sh"), buf, 64), 7);
            struct stat st {};
            EXPECT_EQ(s.stat("/dev/null", &st), 0);
            EXPECT_EQ(st.st_mode & S_IFMT, S_IFCHR);
            EXPECT_EQ(s.stat("/proc/meminfo", &st), 0);
            return 0;
        },
        config);
    EXPECT_EQ(status, 0);
}

TEST(FsBoot, MalformedInitramfsStopsBootOnlyWhenAsked) {
    auto config = kernel_machine();
    config.initramfs = newc({{"a", {0100644, "x"}}, {"b", {0100644, "y"}}}, true);
    int status = run_program(
        "fs-boot-cont",
        [](ScriptedUser& u) {
            Sys s{u};
            EXPECT_GE(s.open("/a", O_RDONLY), 3);  // unpacked before the damage
            EXPECT_EQ(s.open("/b", O_RDONLY), -ENOENT);
            return 5;
        },
        config);
    EXPECT_EQ(status, 5);
    status = run_program(
        "fs-boot-stop", [](ScriptedUser&) { return 5; }, config, "initramfs.on_error=stop");
    EXPECT_EQ(status, 1);
}

}  // namespace

namespace {

TEST(FsExec, ReaderChecksAndCloseOnExec) {
    ostd::host::register_scripted_program("fs_after_exec", [](ScriptedUser& u) {
        // fd 3 was O_CLOEXEC, fd 4 was not.
        EXPECT_EQ(u.syscall(SYS_fcntl, 3, F_GETFD), -EBADF);
        EXPECT_EQ(u.syscall(SYS_fcntl, 4, F_GETFD), 0);
        return 9;
    });
    auto config = kernel_machine();
    config.initramfs = newc({{"bin", {040755, ""}},
                             {"bin/notelf", {0100755, "just text, no ELF header"}},
                             {"bin/noexec",
                              {0100644,
                               "\x7f"
                               "ELF"}}});
    int status = run_program(
        "fs-exec",
        [](ScriptedUser& u) {
            uint64_t argv = u.stack_alloc(16);
            auto exec = [&](const char* p) {
                return u.syscall(SYS_execve, u.push_string(p), argv, argv);
            };
            EXPECT_EQ(exec("/bin/missing"), -ENOENT);
            EXPECT_EQ(exec("/bin/noexec"), -EACCES);
            EXPECT_EQ(exec("/bin"), -EACCES);
            EXPECT_EQ(exec("/bin/notelf"), -ENOEXEC);
            Sys s{u};
            EXPECT_EQ(s.open("/bin/notelf", O_RDONLY | O_CLOEXEC), 3);
            EXPECT_EQ(s.open("/bin/notelf", O_RDONLY), 4);
            uint64_t args[2] = {u.push_string("fs_after_exec"), 0};
            uint64_t uargs = u.push(args, sizeof args);
            u.syscall(SYS_execve, u.push_string("scripted:fs_after_exec"), uargs, uargs + 8);
            return 1;  // not reached
        },
        config);
    EXPECT_EQ(status, 9);
}

}  // namespace

namespace {

TEST(FsProc, SelfEntriesFromTheProcessTable) {
    int status = run_program(
        "fs-proc",
        [](ScriptedUser& u) {
            Sys s{u};
            uint64_t buf = u.stack_alloc(256);
            int64_t n = u.syscall(SYS_readlink, u.push_string("/proc/self"), buf, 256);
            EXPECT_EQ(n, 1);
            EXPECT_EQ(u.read_string(buf).substr(0, 1), "1");
            int fd = int(s.open("/proc/self/status", O_RDONLY));
            std::string st = s.read(fd, 1024);
            EXPECT_NE(st.find("Pid:\t1\n"), std::string::npos) << st;
            EXPECT_NE(st.find("Uid:\t0\t0\t0\t0\n"), std::string::npos) << st;
            int sfd = int(s.open("/proc/1/stat", O_RDONLY));
            std::string stat = s.read(sfd, 1024);
            EXPECT_EQ(stat.substr(0, 3), "1 (");
            EXPECT_NE(stat.find(") R 0 "), std::string::npos) << stat;  // the reader runs
            EXPECT_EQ(u.syscall(SYS_chdir, u.push_string("/tmp")), 0);
            n = u.syscall(SYS_readlink, u.push_string("/proc/self/cwd"), buf, 256);
            EXPECT_EQ(n, 4);
            n = u.syscall(SYS_readlink, u.push_string("/proc/self/fd/0"), buf, 256);
            EXPECT_EQ(n, 12);  // /dev/console
            EXPECT_EQ(s.open("/proc/77/status", O_RDONLY), -ENOENT);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

// Found by fuzz/syscalls: a path walk through /proc/self/cwd (or root, fd/N) resolves the link
// while it holds the tree lock, and the link's path lookup took that lock again (panic:
// recursive Mutex::lock). corpora/regressions/syscalls/proc-link-in-walk.bin replays it.
TEST(FsProc, WalkThroughProcessLinks) {
    int status = run_program(
        "fs-proc-walk",
        [](ScriptedUser& u) {
            Sys s{u};
            EXPECT_EQ(u.syscall(SYS_chdir, u.push_string("/tmp")), 0);
            int fd = int(s.open("/proc/self/cwd", O_RDONLY | O_DIRECTORY));
            EXPECT_GE(fd, 0);
            EXPECT_EQ(u.syscall(SYS_chdir, u.push_string("/proc/self/root/tmp")), 0);
            int tfd = int(s.open("/proc/self/cwd/x", O_RDWR | O_CREAT, 0644));
            EXPECT_GE(tfd, 0);
            EXPECT_GE(s.open("/proc/self/fd/" + std::to_string(fd) + "/x", O_RDONLY), 0);
            EXPECT_EQ(s.open("/proc/self/fd/" + std::to_string(tfd) + "/y", O_RDONLY), -ENOTDIR);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
