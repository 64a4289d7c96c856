// Process, credential and memory syscalls through the real dispatch path, from scripted init.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr uint64_t kBadPtr = 0x8;  // Below the user window: always EFAULT.

TEST(ProcessSyscalls, IdentityAndExitStatus) {
    int status = run_program("ids", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(SYS_getpid), 1);
        EXPECT_EQ(u.syscall(SYS_gettid), 1);
        EXPECT_EQ(u.syscall(SYS_getppid), 0);
        EXPECT_EQ(u.syscall(SYS_getpgid, 0), 1);
        EXPECT_EQ(u.syscall(SYS_getpgid, 999), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_getsid, -1), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_setsid), -EPERM);  // Already a group leader.
        EXPECT_EQ(u.syscall(SYS_setpgid, 0, -1), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_setpgid, 42, 0), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_wait4, -1, 0, 0, 0), -ECHILD);
        EXPECT_EQ(u.syscall(SYS_wait4, -1, 0, 0x100, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_waitid, P_ALL, 0, 0, 0, 0), -EINVAL);  // No WEXITED etc.
        EXPECT_EQ(u.syscall(SYS_umask, 077), 022);
        EXPECT_EQ(u.syscall(SYS_umask, 022), 077);
        return 37;
    }, kernel_machine());
    EXPECT_EQ(status, 37);
}

TEST(ProcessSyscalls, CredentialsAndEfault) {
    int status = run_program("creds", [](ScriptedUser& u) {
        uint64_t ids = u.stack_alloc(12);
        EXPECT_EQ(u.syscall(SYS_getresuid, ids, ids + 4, ids + 8), 0);
        EXPECT_EQ(u.syscall(SYS_getresuid, kBadPtr, ids + 4, ids + 8), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_getresgid, ids, kBadPtr, ids + 8), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_setresuid, 1000, 1000, 0), 0);  // Keep saved 0.
        EXPECT_EQ(u.syscall(SYS_geteuid), 1000);
        EXPECT_EQ(u.syscall(SYS_setuid, 5), -EPERM);
        EXPECT_EQ(u.syscall(SYS_setgroups, 0, 0), -EPERM);
        EXPECT_EQ(u.syscall(SYS_setresuid, -1, 0, -1), 0);  // Back through the saved id.
        EXPECT_EQ(u.syscall(SYS_setgroups, 2, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_setgroups, -1, 0), -EINVAL);
        uint32_t groups[2] = {7, 8};
        EXPECT_EQ(u.syscall(SYS_setgroups, 2, u.push(groups, sizeof groups)), 0);
        EXPECT_EQ(u.syscall(SYS_getgroups, 0, 0), 2);
        EXPECT_EQ(u.syscall(SYS_getgroups, 1, ids), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getgroups, 2, kBadPtr), -EFAULT);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(ProcessSyscalls, Rlimits) {
    int status = run_program("rlim", [](ScriptedUser& u) {
        uint64_t buf = u.stack_alloc(16);
        EXPECT_EQ(u.syscall(SYS_getrlimit, RLIMIT_NOFILE, buf), 0);
        EXPECT_EQ(u.read_u64(buf), 1024u);
        EXPECT_EQ(u.syscall(SYS_getrlimit, 99, buf), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getrlimit, RLIMIT_NOFILE, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_setrlimit, RLIMIT_NOFILE, kBadPtr), -EFAULT);
        uint64_t lim[2] = {100, 50};
        EXPECT_EQ(u.syscall(SYS_setrlimit, RLIMIT_NOFILE, u.push(lim, 16)), -EINVAL);
        uint64_t ok[2] = {100, 200};
        uint64_t old = u.stack_alloc(16);
        EXPECT_EQ(u.syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, u.push(ok, 16), old), 0);
        EXPECT_EQ(u.read_u64(old + 8), 4096u);
        EXPECT_EQ(u.syscall(SYS_prlimit64, 4242, RLIMIT_NOFILE, 0, old), -ESRCH);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(MmSyscalls, MapTouchProtectUnmap) {
    int status = run_program("mm", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  -EINVAL);
        EXPECT_EQ(u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_mmap, 0x10001, 4096, PROT_READ,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
                  -EINVAL);
        int64_t a = u.syscall(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT_GT(a, 0);
        EXPECT_EQ(u.read_u64(a + 4096), 0u);  // Demand-zero.
        u.write_u64(a + 4096, 99);
        EXPECT_EQ(u.syscall(SYS_mmap, a, 4096, PROT_READ,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
                  -EEXIST);
        EXPECT_EQ(u.syscall(SYS_mprotect, a + 1, 4096, PROT_READ), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_mprotect, a, 4096, 0x40), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_mprotect, a, 8 * 4096, PROT_READ), -ENOMEM);  // Hole after.
        EXPECT_EQ(u.syscall(SYS_madvise, a, 3 * 4096, MADV_DONTNEED), 0);
        EXPECT_EQ(u.read_u64(a + 4096), 0u);  // Dropped: zero again.
        int64_t b = u.syscall(SYS_mremap, a, 3 * 4096, 6 * 4096, MREMAP_MAYMOVE, 0);
        EXPECT_GT(b, 0);
        EXPECT_EQ(u.syscall(SYS_mremap, a + 1, 4096, 4096, 0, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_munmap, b, 6 * 4096), 0);
        EXPECT_EQ(u.syscall(SYS_munmap, b, 0), -EINVAL);
        uint64_t brk = static_cast<uint64_t>(u.syscall(SYS_brk, 0));
        EXPECT_EQ(static_cast<uint64_t>(u.syscall(SYS_brk, brk + 10000)), brk + 10000);
        EXPECT_EQ(static_cast<uint64_t>(u.syscall(SYS_brk, 1)), brk + 10000);  // Refused.
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(MmSyscalls, TouchingUnmappedMemoryKillsWithSigsegv) {
    int status = run_program("segv", [](ScriptedUser& u) {
        u.write_u64(0x30000000, 1);  // Nothing mapped there.
        ADD_FAILURE() << "write to unmapped memory continued";
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 128 + SIGSEGV);
}

TEST(MmSyscalls, ReadOnlyMappingFaultsOnWrite) {
    int status = run_program("ro", [](ScriptedUser& u) {
        int64_t a = u.syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT_EQ(u.read_u64(a), 0u);
        u.write_u64(a, 1);
        ADD_FAILURE() << "write to a read-only mapping continued";
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 128 + SIGSEGV);
}

TEST(MmSyscalls, ExhaustingRamIsAnOomKillNotACrash) {
    int status = run_program("oom", [](ScriptedUser& u) {
        // 256 MiB of address space on a 64 MiB machine, touched page by page.
        int64_t a = u.syscall(SYS_mmap, 0, 256u << 20, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (uint64_t off = 0; off < (256u << 20); off += 4096) u.write_u64(a + off, off);
        ADD_FAILURE() << "touched more memory than the machine has";
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 128 + SIGKILL);
}

}  // namespace
