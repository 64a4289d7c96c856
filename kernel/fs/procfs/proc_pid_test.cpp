// /proc/<pid> files from the real process table: cmdline and environ read from the image's memory
// (with the setproctitle rule), maps, statm, stat fields, comm writes, fdinfo, exe, and the
// errno paths (EACCES for another user's environ, EINVAL for another process's comm, ENOENT).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using ostd::host::ScriptedUser;

std::string slurp(ScriptedUser& u, const std::string& path, int64_t* err = nullptr) {
    int64_t fd = u.syscall(SYS_openat, AT_FDCWD, u.push_string(path), O_RDONLY, 0);
    if (err) *err = fd < 0 ? fd : 0;
    if (fd < 0) return "<" + std::to_string(fd) + ">";
    std::string out;
    uint64_t buf = u.stack_alloc(512);
    for (;;) {
        int64_t n = u.syscall(SYS_read, fd, buf, 512);
        if (n <= 0) break;
        std::string chunk(size_t(n), '\0');
        u.read(buf, chunk.data(), size_t(n));
        out += chunk;
    }
    u.syscall(SYS_close, fd);
    return out;
}

// Field `n` (1-based, as in proc(5)) of a /proc/pid/stat line.
std::string stat_field(const std::string& stat, int n) {
    if (n == 1) return stat.substr(0, stat.find(' '));
    if (n == 2) return stat.substr(stat.find('('), stat.rfind(')') - stat.find('(') + 1);
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string f;
    for (int i = 3; i <= n; ++i)
        in >> f;
    return f;
}

uint64_t push_strings(ScriptedUser& u, std::initializer_list<std::string_view> strs) {
    uint64_t ptrs[16] = {};
    size_t n = 0;
    for (auto s : strs)
        ptrs[n++] = u.push_string(s);
    return u.push(ptrs, (n + 1) * 8);
}

// No host heap object may be alive across a successful execve (see exec_test.cpp).
int64_t execve(ScriptedUser& u, const char* path, std::initializer_list<std::string_view> argv,
               std::initializer_list<std::string_view> envp) {
    uint64_t p = u.push_string(path);
    uint64_t a = push_strings(u, argv);
    uint64_t e = push_strings(u, envp);
    return u.syscall(SYS_execve, p, a, e);
}

int self_checks(ScriptedUser& u) {
    using namespace std::string_literals;
    EXPECT_EQ(slurp(u, "/proc/self/cmdline"), "proc_self\0alpha\0\0"s);
    EXPECT_EQ(slurp(u, "/proc/self/environ"), "X=1\0Y=two\0"s);
    std::string stat = slurp(u, "/proc/self/stat");
    EXPECT_EQ(stat_field(stat, 2), "(proc_self)");
    EXPECT_EQ(stat_field(stat, 3), "R");  // The reader itself is running.
    EXPECT_EQ(stat_field(stat, 52), "0") << stat;
    EXPECT_EQ(stat.back(), '\n');
    uint64_t arg_start = std::stoull(stat_field(stat, 48));
    uint64_t arg_end = std::stoull(stat_field(stat, 49));
    uint64_t env_start = std::stoull(stat_field(stat, 50));
    uint64_t env_end = std::stoull(stat_field(stat, 51));
    EXPECT_EQ(arg_end - arg_start, 17u);
    EXPECT_EQ(env_start, arg_end);
    EXPECT_EQ(env_end - env_start, 10u);
    EXPECT_EQ(u.read_string(arg_start), "proc_self");
    EXPECT_GT(std::stoull(stat_field(stat, 23)), 0u);                     // vsize
    EXPECT_GT(std::stoull(stat_field(stat, 24)), 0u);                     // rss
    EXPECT_GE(std::stoull(stat_field(stat, 28)), arg_start - 4096 * 16);  // startstack
    EXPECT_LT(std::stoull(stat_field(stat, 28)), arg_start);

    // statm: size >= resident > 0, in pages.
    unsigned long long size = 0, resident = 0;
    EXPECT_EQ(sscanf(slurp(u, "/proc/self/statm").c_str(), "%llu %llu", &size, &resident), 2);
    EXPECT_GE(size, resident);
    EXPECT_GT(resident, 0u);

    // maps: the stack, an anonymous mapping and a file mapping, in Linux's columns.
    int64_t anon =
        u.syscall(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int64_t fd =
        u.syscall(SYS_openat, AT_FDCWD, u.push_string("/tmp/mapped"), O_RDWR | O_CREAT, 0644);
    u.syscall(SYS_ftruncate, fd, 8192);
    int64_t file = u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 4096);
    int64_t shared =
        u.syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct stat st {};
    uint64_t stbuf = u.stack_alloc(sizeof st);
    EXPECT_EQ(u.syscall(SYS_fstat, fd, stbuf), 0);
    u.read(stbuf, &st, sizeof st);
    std::string maps = slurp(u, "/proc/self/maps");
    char want[256];
    snprintf(want, sizeof want, "%08llx-%08llx rw-p 00000000 00:00 0 \n", (unsigned long long)anon,
             (unsigned long long)anon + 8192);
    EXPECT_NE(maps.find(want), std::string::npos) << maps;
    snprintf(want, sizeof want, "%08llx-%08llx r-xp 00001000 %02x:%02x %llu ",
             (unsigned long long)file, (unsigned long long)file + 4096, major(st.st_dev),
             minor(st.st_dev), (unsigned long long)st.st_ino);
    size_t at = maps.find(want);
    EXPECT_NE(at, std::string::npos) << want << "\n" << maps;
    if (at == std::string::npos) return 1;
    size_t line_end = maps.find('\n', at);
    std::string line = maps.substr(at, line_end - at);
    EXPECT_EQ(line.substr(73), "/tmp/mapped") << line;  // seq_pad's column
    snprintf(want, sizeof want, "%08llx-%08llx rw-s 00000000 00:01 ", (unsigned long long)shared,
             (unsigned long long)shared + 4096);
    EXPECT_NE(maps.find(want), std::string::npos) << maps;
    EXPECT_NE(maps.find("/dev/zero (deleted)\n"), std::string::npos) << maps;
    EXPECT_NE(maps.find(" [stack]\n"), std::string::npos) << maps;
    // A grown heap is one [heap] line however many brk calls built it.
    int64_t brk0 = u.syscall(SYS_brk, 0);
    u.syscall(SYS_brk, brk0 + 4096);
    u.syscall(SYS_brk, brk0 + 3 * 4096);
    maps = slurp(u, "/proc/self/maps");
    EXPECT_NE(maps.find(" [heap]\n"), std::string::npos) << maps;
    EXPECT_EQ(maps.find(" [heap]\n"), maps.rfind(" [heap]\n")) << maps;

    // fdinfo: offset and flags (O_CLOEXEC shows as 02000000).
    EXPECT_EQ(u.syscall(SYS_lseek, fd, 5, SEEK_SET), 5);
    EXPECT_EQ(u.syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC), 0);
    std::string info = slurp(u, "/proc/self/fdinfo/" + std::to_string(fd));
    EXPECT_EQ(info.substr(0, 7), "pos:\t5\n") << info;
    unsigned flags = 0;
    EXPECT_EQ(sscanf(info.c_str() + info.find("flags:"), "flags:\t%o", &flags), 1) << info;
    EXPECT_EQ(flags & (O_ACCMODE | O_CLOEXEC), unsigned(O_RDWR | O_CLOEXEC));
    int64_t e = 0;
    slurp(u, "/proc/self/fdinfo/99", &e);
    EXPECT_EQ(e, -ENOENT);
    EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("/proc/self/fd/99"), u.stack_alloc(64), 64),
              -ENOENT);
    slurp(u, "/proc/self/fdinfo/x", &e);
    EXPECT_EQ(e, -ENOENT);

    // comm: readable, writable by the process itself, 15 bytes at most.
    EXPECT_EQ(slurp(u, "/proc/self/comm"), "proc_self\n");
    int64_t cfd = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/proc/self/comm"), O_WRONLY);
    EXPECT_GE(cfd, 0);
    EXPECT_EQ(u.syscall(SYS_write, cfd, u.push_string("renamed-process-long"), 20), 20);
    EXPECT_EQ(u.syscall(SYS_write, cfd, 0x8, 4), -EFAULT);
    u.syscall(SYS_close, cfd);
    EXPECT_EQ(slurp(u, "/proc/self/comm"), "renamed-process\n");
    // A shell redirection (O_CREAT | O_TRUNC) reaches the computed file; the newline stays.
    cfd = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/proc/self/comm"),
                    O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_GE(cfd, 0);
    EXPECT_EQ(u.syscall(SYS_write, cfd, u.push_string("sh\n"), 3), 3);
    u.syscall(SYS_close, cfd);
    EXPECT_EQ(slurp(u, "/proc/self/comm"), "sh\n\n");
    cfd = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/proc/self/comm"), O_WRONLY);
    EXPECT_EQ(u.syscall(SYS_write, cfd, u.push_string("renamed-process"), 15), 15);
    u.syscall(SYS_close, cfd);
    EXPECT_EQ(stat_field(slurp(u, "/proc/self/stat"), 2), "(renamed-process)");

    // A scripted image is no file: there is no exe link.
    EXPECT_EQ(u.syscall(SYS_readlink, u.push_string("/proc/self/exe"), u.stack_alloc(64), 64),
              -ENOENT);

    // setproctitle(3): overwriting the argument area's last NUL extends cmdline into the
    // environment up to the first NUL.
    std::string title(arg_end - arg_start, 'x');
    u.write(arg_start, title.data(), title.size());
    EXPECT_EQ(slurp(u, "/proc/self/cmdline"), title + "X=1" + '\0');
    return 7;
}

TEST(ProcPid, SelfFilesOfAnExecedImage) {
    ostd::host::register_scripted_program("proc_self", self_checks);
    int status = run_program(
        "proc_self_main",
        [](ScriptedUser& u) {
            int64_t r =
                execve(u, "scripted:proc_self", {"proc_self", "alpha", ""}, {"X=1", "Y=two"});
            ADD_FAILURE() << "execve returned " << r;
            return 1;
        },
        kernel_machine());
    EXPECT_EQ(status, 7);
}

// The child (uid 1000 after setresuid) reads its parent's files and then execs; the parent
// watches the child's cmdline change, is refused the child's comm, and sees the zombie.
TEST(ProcPid, OtherProcessesAndPermissions) {
    ostd::host::register_scripted_program("proc_sleeper", [](ScriptedUser& u) {
        u.syscall(SYS_read, 3, u.stack_alloc(1), 1);  // Until the parent closes the pipe.
        return 5;
    });
    int status = run_program(
        "proc_parent",
        [](ScriptedUser& u) {
            using namespace std::string_literals;
            uint64_t fds = u.stack_alloc(8);
            EXPECT_EQ(u.syscall(SYS_pipe2, fds, 0), 0);
            int rfd = int(u.read_u64(fds) & 0xffffffff), wfd = int(u.read_u64(fds) >> 32);
            EXPECT_EQ(rfd, 3);
            int64_t child = u.fork([](ScriptedUser& c) {
                c.syscall(SYS_close, 4);
                EXPECT_EQ(c.syscall(SYS_setresuid, 1000, 1000, 1000), 0);
                int64_t e = 0;
                slurp(c, "/proc/1/environ", &e);
                EXPECT_EQ(e, -EACCES);
                slurp(c, "/proc/1/maps", &e);
                EXPECT_EQ(e, -EACCES);
                EXPECT_NE(slurp(c, "/proc/1/cmdline", &e).find("proc_parent"), std::string::npos);
                EXPECT_EQ(e, 0);
                execve(c, "scripted:proc_sleeper", {"sleeper", "-x"}, {"SECRET=1"});
                return 1;
            });
            EXPECT_GT(child, 1);
            std::string dir = "/proc/" + std::to_string(child);
            std::string cmd;
            for (int i = 0; i < 2000 && cmd != "sleeper\0-x\0"s; ++i) {
                cmd = slurp(u, dir + "/cmdline");
                u.syscall(SYS_sched_yield);
            }
            EXPECT_EQ(cmd, "sleeper\0-x\0"s);
            EXPECT_EQ(slurp(u, dir + "/environ"), "SECRET=1\0"s);  // root may read it
            struct stat st {};
            uint64_t stbuf = u.stack_alloc(sizeof st);
            EXPECT_EQ(u.syscall(SYS_newfstatat, AT_FDCWD, u.push_string(dir), stbuf, 0), 0);
            u.read(stbuf, &st, sizeof st);
            EXPECT_EQ(st.st_uid, 1000u);
            EXPECT_EQ(stat_field(slurp(u, dir + "/stat"), 3), "S");
            int64_t cfd = u.syscall(SYS_openat, AT_FDCWD, u.push_string(dir + "/comm"), O_WRONLY);
            EXPECT_GE(cfd, 0);
            EXPECT_EQ(u.syscall(SYS_write, cfd, u.push_string("x"), 1), -EINVAL);
            u.syscall(SYS_close, cfd);
            EXPECT_EQ(slurp(u, dir + "/comm"), "proc_sleeper\n");
            u.syscall(SYS_close, wfd);
            // A zombie keeps its stat but has no memory to show.
            uint64_t info = u.stack_alloc(128);
            EXPECT_EQ(u.syscall(SYS_waitid, P_PID, child, info, WEXITED | WNOWAIT), 0);
            EXPECT_EQ(stat_field(slurp(u, dir + "/stat"), 3), "Z");
            EXPECT_EQ(slurp(u, dir + "/cmdline"), "");
            EXPECT_EQ(slurp(u, dir + "/maps"), "");
            int64_t e = 0;
            EXPECT_EQ(u.syscall(SYS_wait4, child, u.stack_alloc(8), 0, 0), child);
            slurp(u, dir + "/cmdline", &e);
            EXPECT_EQ(e, -ENOENT);
            return 0;
        },
        kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
