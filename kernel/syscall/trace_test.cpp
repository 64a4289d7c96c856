// Tracer output for representative calls, read through a fake user address space.
#include <kernel/syscall/trace.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include <kernel/syscall/decode.h>
#include <kernel/syscall/table.h>

namespace kernel::syscall {
namespace {

// User memory as a set of byte regions; reads stop at a region's end, like a page boundary.
class FakeUser final : public UserReader {
  public:
    void map(uint64_t addr, std::string bytes) { regions_[addr] = std::move(bytes); }

    ostd::Result<size_t> read(uint64_t uaddr, void* dst, size_t len) const override {
        ++reads;
        for (const auto& [base, bytes] : regions_) {
            if (uaddr < base || uaddr >= base + bytes.size()) continue;
            size_t n = std::min(len, static_cast<size_t>(base + bytes.size() - uaddr));
            std::memcpy(dst, bytes.data() + (uaddr - base), n);
            return n;
        }
        return ostd::Error(EFAULT);
    }

    mutable int reads = 0;

  private:
    std::map<uint64_t, std::string> regions_;
};

SyscallArgs args_of(int64_t nr, std::initializer_list<uint64_t> values) {
    SyscallArgs a;
    a.nr = nr;
    size_t i = 0;
    for (uint64_t v : values)
        a.args[i++] = v;
    return a;
}

std::string trace(const SyscallArgs& a, int64_t ret, const UserReader* user = nullptr) {
    char buf[512];
    size_t n = format_syscall(buf, sizeof buf, a, ret, user);
    EXPECT_EQ(n, std::strlen(buf));
    return buf;
}

constexpr uint64_t kPath = 0x10000;
constexpr uint64_t kFdcwd = static_cast<uint64_t>(-100);

TEST(SyscallTrace, OpenatWithFlagsOmitsModeWithoutCreat) {
    FakeUser user;
    user.map(kPath, std::string("/etc/passwd\0", 12));
    EXPECT_EQ(trace(args_of(sysno::openat, {kFdcwd, kPath, O_RDONLY | O_CLOEXEC, 0777}), 3, &user),
              "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
    EXPECT_EQ(
        trace(args_of(sysno::openat, {5, kPath, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK, 0644}),
              4, &user),
        "openat(5, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC|O_NONBLOCK, 0644) = 4");
    EXPECT_EQ(trace(args_of(sysno::open, {kPath, O_RDWR | O_TMPFILE, 0600}), 3, &user),
              "open(\"/etc/passwd\", O_RDWR|O_TMPFILE, 0600) = 3");
}

TEST(SyscallTrace, FailingCallsShowErrnoNameAndText) {
    FakeUser user;
    user.map(kPath, std::string("/nope\0", 6));
    EXPECT_EQ(trace(args_of(sysno::openat, {kFdcwd, kPath, O_RDONLY}), -ENOENT, &user),
              "openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)");
    EXPECT_EQ(trace(args_of(sysno::close, {99}), -EBADF),
              "close(99) = -1 EBADF (Bad file descriptor)");
    EXPECT_EQ(trace(args_of(sysno::read, {0, 0x1000, 10}), -512),
              "read(0, 0x1000, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)");
    EXPECT_EQ(trace(args_of(sysno::getpid, {}), -4000), "getpid() = -1 errno 4000");
    // Below -4095 is a value, not an error.
    EXPECT_EQ(trace(args_of(sysno::lseek, {3, 0, SEEK_END}), -4096),
              "lseek(3, 0, SEEK_END) = -4096");
}

TEST(SyscallTrace, MmapDecodesProtFlagsAndReturnsAddress) {
    EXPECT_EQ(trace(args_of(sysno::mmap, {0, 4096, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS, uint64_t(-1), 0}),
                    0x7f0000001000),
              "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
              "0x7f0000001000");
    EXPECT_EQ(trace(args_of(sysno::mmap, {0x400000, 8192, PROT_NONE,
                                          MAP_SHARED | MAP_FIXED | 0x80000000, 3, 4096}),
                    -EINVAL),
              "mmap(0x400000, 8192, PROT_NONE, MAP_SHARED|MAP_FIXED|0x80000000, 3, 4096) = -1 "
              "EINVAL (Invalid argument)");
    EXPECT_EQ(trace(args_of(sysno::mprotect, {0x1000, 4096, PROT_EXEC | 0x10}), 0),
              "mprotect(0x1000, 4096, PROT_EXEC|0x10) = 0");
}

TEST(SyscallTrace, CloneShowsFlagsAndExitSignal) {
    uint64_t flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                     CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    EXPECT_EQ(trace(args_of(sysno::clone, {flags, 0x7000, 0x7100, 0x7200, 0x7300}), 42),
              "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
              "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x7000, 0x7100, 0x7200, "
              "0x7300) = 42");
    EXPECT_EQ(trace(args_of(sysno::clone, {SIGCHLD, 0, 0, 0, 0}), 7),
              "clone(SIGCHLD, NULL, NULL, NULL, 0) = 7");
    EXPECT_EQ(trace(args_of(sysno::unshare, {CLONE_NEWNS | CLONE_NEWUSER}), 0),
              "unshare(CLONE_NEWNS|CLONE_NEWUSER) = 0");
}

TEST(SyscallTrace, KillDecodesSignals) {
    EXPECT_EQ(trace(args_of(sysno::kill, {1234, SIGINT}), 0), "kill(1234, SIGINT) = 0");
    EXPECT_EQ(trace(args_of(sysno::kill, {uint64_t(-1), 0}), -ESRCH),
              "kill(-1, 0) = -1 ESRCH (No such process)");
    EXPECT_EQ(trace(args_of(sysno::tgkill, {10, 11, 34}), 0), "tgkill(10, 11, SIGRTMIN+2) = 0");
    EXPECT_EQ(trace(args_of(sysno::kill, {1, 65}), -EINVAL),
              "kill(1, 65) = -1 EINVAL (Invalid argument)");
}

TEST(SyscallTrace, WriteShowsBufferAndTruncatesLongStrings) {
    FakeUser user;
    user.map(0x2000, "hello\n\"x\"\\\x01");
    EXPECT_EQ(trace(args_of(sysno::write, {1, 0x2000, 6}), 6, &user),
              "write(1, \"hello\\n\", 6) = 6");
    EXPECT_EQ(trace(args_of(sysno::write, {1, 0x2000, 11}), 11, &user),
              "write(1, \"hello\\n\\\"x\\\"\\\\\\x01\", 11) = 11");
    std::string long_text(100, 'a');
    user.map(0x3000, long_text);
    EXPECT_EQ(trace(args_of(sysno::write, {2, 0x3000, 100}), 100, &user),
              "write(2, \"" + std::string(kTraceMaxString, 'a') + "\"..., 100) = 100");
    // A path with no NUL before unreadable memory is shown up to the fault, marked truncated.
    EXPECT_EQ(trace(args_of(sysno::unlink, {0x3000}), 0, &user),
              "unlink(\"" + long_text + "\"...) = 0");
}

TEST(SyscallTrace, BadOrMissingUserMemoryShowsAddresses) {
    FakeUser user;
    EXPECT_EQ(trace(args_of(sysno::openat, {kFdcwd, 0xdead0000, O_RDONLY}), -EFAULT, &user),
              "openat(AT_FDCWD, 0xdead0000, O_RDONLY) = -1 EFAULT (Bad address)");
    EXPECT_EQ(trace(args_of(sysno::write, {1, 0xdead0000, 5}), -EFAULT, &user),
              "write(1, 0xdead0000, 5) = -1 EFAULT (Bad address)");
    EXPECT_EQ(trace(args_of(sysno::chdir, {0}), -EFAULT, &user),
              "chdir(NULL) = -1 EFAULT (Bad address)");
    EXPECT_EQ(trace(args_of(sysno::chdir, {kPath}), 0, nullptr), "chdir(0x10000) = 0");
    EXPECT_EQ(user.reads, 2);
}

TEST(SyscallTrace, UnknownNumbersShowRawRegisters) {
    EXPECT_EQ(trace(args_of(400, {1, 2, 3, 4, 5, 6}), -ENOSYS),
              "syscall_400(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)");
    EXPECT_EQ(trace(args_of(-7, {}), -ENOSYS),
              "syscall_-7(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)");
}

TEST(SyscallTrace, FcntlArgumentsFollowTheCommand) {
    EXPECT_EQ(trace(args_of(sysno::fcntl, {3, F_SETFD, FD_CLOEXEC}), 0),
              "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
    EXPECT_EQ(trace(args_of(sysno::fcntl, {3, F_GETFL, 0x1234}), O_RDWR), "fcntl(3, F_GETFL) = 2");
    EXPECT_EQ(trace(args_of(sysno::fcntl, {3, F_SETFL, O_WRONLY | O_NONBLOCK}), 0),
              "fcntl(3, F_SETFL, O_WRONLY|O_NONBLOCK) = 0");
    EXPECT_EQ(trace(args_of(sysno::fcntl, {3, F_DUPFD_CLOEXEC, 10}), 10),
              "fcntl(3, F_DUPFD_CLOEXEC, 10) = 10");
    EXPECT_EQ(trace(args_of(sysno::fcntl, {3, 9999, 1}), -EINVAL),
              "fcntl(3, 9999, 0x1) = -1 EINVAL (Invalid argument)");
}

TEST(SyscallTrace, AtFlagsWhenceWaitFutexClockIoctl) {
    FakeUser user;
    user.map(kPath, std::string("x\0", 2));
    EXPECT_EQ(trace(args_of(sysno::newfstatat,
                            {kFdcwd, kPath, 0x5000, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH}),
                    0, &user),
              "newfstatat(AT_FDCWD, \"x\", 0x5000, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = 0");
    EXPECT_EQ(trace(args_of(sysno::unlinkat, {4, kPath, 0}), 0, &user),
              "unlinkat(4, \"x\", 0) = 0");
    EXPECT_EQ(trace(args_of(sysno::lseek, {3, uint64_t(-10), SEEK_CUR}), 90),
              "lseek(3, -10, SEEK_CUR) = 90");
    EXPECT_EQ(trace(args_of(sysno::wait4, {uint64_t(-1), 0x6000, WNOHANG | WUNTRACED, 0}), 0),
              "wait4(-1, 0x6000, WNOHANG|WUNTRACED, NULL) = 0");
    EXPECT_EQ(trace(args_of(sysno::futex, {0x8000, 128 | 0, 1, 0, 0, 0}), 0),
              "futex(0x8000, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0) = 0");
    EXPECT_EQ(trace(args_of(sysno::futex, {0x8000, 256 | 9, 1, 0, 0, 0xffffffff}), 0),
              "futex(0x8000, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 4294967295) "
              "= 0");
    EXPECT_EQ(trace(args_of(sysno::clock_gettime, {CLOCK_MONOTONIC, 0x9000}), 0),
              "clock_gettime(CLOCK_MONOTONIC, 0x9000) = 0");
    EXPECT_EQ(trace(args_of(sysno::ioctl, {1, 0x5413, 0x9000}), 0),
              "ioctl(1, TIOCGWINSZ, 0x9000) = 0");
    EXPECT_EQ(trace(args_of(sysno::ioctl, {1, 0xc0de, 0}), -ENOTTY),
              "ioctl(1, 0xc0de, 0) = -1 ENOTTY (Inappropriate ioctl for device)");
}

// Little-endian u64s as bytes, for building pointer arrays and structs in FakeUser.
std::string words(std::initializer_list<uint64_t> values) {
    std::string bytes;
    for (uint64_t v : values)
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    return bytes;
}

TEST(SyscallTrace, ExecveShowsArgvArrays) {
    FakeUser user;
    user.map(0x1000, std::string("/bin/ls\0ls\0-l\0HOME=/\0", 22));
    user.map(0x2000, words({0x1008, 0x100b, 0}));
    user.map(0x3000, words({0x100e, 0}));
    EXPECT_EQ(trace(args_of(sysno::execve, {0x1000, 0x2000, 0x3000}), -ENOEXEC, &user),
              "execve(\"/bin/ls\", [\"ls\", \"-l\"], [\"HOME=/\"]) = -1 ENOEXEC (Exec format "
              "error)");
    // Empty argv, an unreadable array, and an array that runs off the mapped memory.
    user.map(0x4000, words({0}));
    user.map(0x5000, words({0x1008}));
    EXPECT_EQ(trace(args_of(sysno::execve, {0x1000, 0x4000, 0xbad000}), 0, &user),
              "execve(\"/bin/ls\", [], 0xbad000) = 0");
    EXPECT_EQ(trace(args_of(sysno::execve, {0x1000, 0x5000, 0}), 0, &user),
              "execve(\"/bin/ls\", [\"ls\", ...], NULL) = 0");
    // More than kTraceMaxArgv entries are elided.
    std::string many;
    for (int i = 0; i < 12; ++i)
        many += words({0x1008});
    user.map(0x6000, many + words({0}));
    EXPECT_EQ(
        trace(args_of(sysno::execve, {0x1000, 0x6000, 0}), 0, &user),
        "execve(\"/bin/ls\", [\"ls\", \"ls\", \"ls\", \"ls\", \"ls\", \"ls\", \"ls\", \"ls\", "
        "...], NULL) = 0");
}

TEST(SyscallTrace, TimespecAndSignalStructs) {
    FakeUser user;
    user.map(0x1000, words({1, 500000000}));
    EXPECT_EQ(trace(args_of(sysno::nanosleep, {0x1000, 0}), 0, &user),
              "nanosleep({tv_sec=1, tv_nsec=500000000}, NULL) = 0");
    EXPECT_EQ(trace(args_of(sysno::clock_nanosleep, {CLOCK_REALTIME, 1, 0x1000, 0x2000}), 0, &user),
              "clock_nanosleep(CLOCK_REALTIME, 0x1, {tv_sec=1, tv_nsec=500000000}, 0x2000) = 0");
    EXPECT_EQ(trace(args_of(sysno::nanosleep, {0x1004, 0}), -EFAULT, &user),
              "nanosleep(0x1004, NULL) = -1 EFAULT (Bad address)");  // straddles the end

    uint64_t int_term = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
    user.map(0x3000, words({int_term}));
    EXPECT_EQ(trace(args_of(sysno::rt_sigprocmask, {SIG_BLOCK, 0x3000, 0x4000, 8}), 0, &user),
              "rt_sigprocmask(SIG_BLOCK, [INT TERM], 0x4000, 8) = 0");
    EXPECT_EQ(trace(args_of(sysno::rt_sigprocmask, {SIG_SETMASK, 0x3000, 0, 4}), -EINVAL, &user),
              "rt_sigprocmask(SIG_SETMASK, 0x3000, NULL, 4) = -1 EINVAL (Invalid argument)");
    user.map(0x5000, words({~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))}));
    EXPECT_EQ(trace(args_of(sysno::rt_sigsuspend, {0x5000, 8}), -EINTR, &user),
              "rt_sigsuspend(~[KILL STOP], 8) = -1 EINTR (Interrupted system call)");

    uint64_t rt_mask = (1ull << 31) | (1ull << 33);  // signals 32 and 34
    user.map(0x6000, words({0x401000, 0x04000000 | SA_RESTART | SA_SIGINFO, 0x402000, rt_mask}));
    EXPECT_EQ(trace(args_of(sysno::rt_sigaction, {SIGCHLD, 0x6000, 0, 8}), 0, &user),
              "rt_sigaction(SIGCHLD, {sa_handler=0x401000, sa_mask=[RTMIN RT_2], "
              "sa_flags=SA_SIGINFO|SA_RESTORER|SA_RESTART, sa_restorer=0x402000}, NULL, 8) = 0");
    user.map(0x7000, words({1, 0, 0, 0}));
    EXPECT_EQ(trace(args_of(sysno::rt_sigaction, {SIGPIPE, 0x7000, 0, 8}), 0, &user),
              "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, NULL, 8) = 0");
}

TEST(SyscallTrace, OutputIsBoundedAndReportsFullLength) {
    SyscallArgs a = args_of(sysno::kill, {1234, SIGTERM});
    const std::string full = "kill(1234, SIGTERM) = 0";
    char small[8];
    std::memset(small, 'Z', sizeof small);
    EXPECT_EQ(format_syscall(small, sizeof small, a, 0, nullptr), full.size());
    EXPECT_STREQ(small, full.substr(0, 7).c_str());
    EXPECT_EQ(format_syscall(nullptr, 0, a, 0, nullptr), full.size());
    char one[1] = {'Z'};
    EXPECT_EQ(format_syscall(one, 1, a, 0, nullptr), full.size());
    EXPECT_EQ(one[0], '\0');

    char buf[64];
    EXPECT_EQ(format_syscall_call(buf, sizeof buf, a, nullptr), 19u);
    EXPECT_STREQ(buf, "kill(1234, SIGTERM)");
    EXPECT_EQ(format_syscall_return(buf, sizeof buf, a, -EPERM), 36u);
    EXPECT_STREQ(buf, "= -1 EPERM (Operation not permitted)");
}

// A reader over random bytes that also lies about counts, to check the tracer never trusts it.
class NoisyUser final : public UserReader {
  public:
    explicit NoisyUser(uint32_t seed) : rng_(seed) {}
    ostd::Result<size_t> read(uint64_t uaddr, void* dst, size_t len) const override {
        uint32_t pick = rng_() % 8;
        if (pick == 0 || uaddr < 0x1000) return ostd::Error(EFAULT);
        size_t n = pick == 1 ? len / 2 : len;
        auto* bytes = static_cast<unsigned char*>(dst);
        for (size_t i = 0; i < n; ++i)
            bytes[i] = static_cast<unsigned char>(rng_() % 4 ? rng_() : 0);
        // Sometimes lies: claims more bytes than it was asked for (and wrote).
        return pick == 2 ? n + 100 : n;
    }

  private:
    mutable std::mt19937 rng_;
};

TEST(SyscallTrace, EveryRowFormatsRandomArgumentsWithinBounds) {
    std::mt19937_64 rng(1234);
    NoisyUser user(99);
    const uint64_t interesting[] = {
        0, 1, 0x1000, uint64_t(-1), uint64_t(-100), 0x7fffffff, 0xffffffff, 0x8000000000000000ull};
    for (size_t row = 0; row < syscall_count(); ++row) {
        for (int round = 0; round < 20; ++round) {
            SyscallArgs a;
            a.nr = syscall_at(row).nr;
            for (auto& v : a.args)
                v = rng() % 2 ? rng() : interesting[rng() % 8];
            int64_t ret =
                static_cast<int64_t>(rng() % 3 ? rng() % 5000 : rng()) * (rng() % 2 ? 1 : -1);
            size_t cap = 1 + rng() % 600;
            std::string buf(cap, 'Z');
            size_t full = format_syscall(buf.data(), cap, a, ret, rng() % 4 ? &user : nullptr);
            size_t written = std::strlen(buf.c_str());
            EXPECT_EQ(written, std::min(full, cap - 1)) << syscall_at(row).name;
            EXPECT_GT(full, std::strlen(syscall_at(row).name)) << syscall_at(row).name;
        }
    }
}

std::string decoded(void (*fn)(TraceWriter&, uint64_t), uint64_t v) {
    char buf[256];
    TraceWriter out(buf, sizeof buf);
    fn(out, v);
    return buf;
}

TEST(SyscallDecode, FlagFamiliesAgreeWithHostNames) {
    EXPECT_EQ(decoded(decode_open_flags, O_RDONLY), "O_RDONLY");
    EXPECT_EQ(decoded(decode_open_flags, O_WRONLY | O_APPEND | O_SYNC), "O_WRONLY|O_SYNC|O_APPEND");
    EXPECT_EQ(decoded(decode_open_flags, O_RDWR | O_DSYNC), "O_RDWR|O_DSYNC");
    EXPECT_EQ(decoded(decode_open_flags, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_PATH),
              "O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_PATH");
    EXPECT_EQ(decoded(decode_open_flags, 3 | 0x80000000), "O_ACCMODE|0x80000000");
    EXPECT_EQ(decoded(decode_mode, 0755), "0755");
    EXPECT_EQ(decoded(decode_mode, 0100644), "0100644");
    EXPECT_EQ(decoded(decode_mode, 0), "0000");
    EXPECT_EQ(decoded(decode_prot, PROT_READ | PROT_EXEC), "PROT_READ|PROT_EXEC");
    EXPECT_EQ(decoded(decode_mmap_flags, MAP_SHARED_VALIDATE | MAP_SYNC),
              "MAP_SHARED_VALIDATE|MAP_SYNC");
    EXPECT_EQ(decoded(decode_mmap_flags, MAP_ANONYMOUS), "MAP_ANONYMOUS");
    EXPECT_EQ(decoded(decode_mmap_flags, 0), "0");
    EXPECT_EQ(decoded(decode_at_flags, 0), "0");
    EXPECT_EQ(decoded(decode_at_flags, AT_SYMLINK_FOLLOW | 0x1), "AT_SYMLINK_FOLLOW|0x1");
    EXPECT_EQ(decoded(decode_wait_options, 0), "0");
    EXPECT_EQ(decoded(decode_wait_options, WEXITED | WNOWAIT | __WALL), "WEXITED|WNOWAIT|__WALL");
}

TEST(SyscallDecode, SignalsMatchHostNumbering) {
    EXPECT_STREQ(signal_name(SIGHUP), "SIGHUP");
    EXPECT_STREQ(signal_name(SIGSEGV), "SIGSEGV");
    EXPECT_STREQ(signal_name(SIGCHLD), "SIGCHLD");
    EXPECT_STREQ(signal_name(SIGSYS), "SIGSYS");
    EXPECT_EQ(signal_name(0), nullptr);
    EXPECT_EQ(signal_name(-3), nullptr);
    EXPECT_EQ(signal_name(32), nullptr);
    char buf[32];
    TraceWriter out(buf, sizeof buf);
    decode_signal(out, 32);
    EXPECT_STREQ(buf, "SIGRTMIN");
}

TEST(SyscallDecode, ErrnoTextsExistForCommonErrors) {
    EXPECT_STREQ(errno_text(ENOENT), "No such file or directory");
    EXPECT_STREQ(errno_text(EAGAIN), "Resource temporarily unavailable");
    EXPECT_EQ(errno_text(0), nullptr);
    EXPECT_EQ(errno_text(4000), nullptr);
}

}  // namespace
}  // namespace kernel::syscall
