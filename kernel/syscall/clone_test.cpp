// clone/fork/vfork/clone3, thread exit (CLONE_CHILD_CLEARTID, robust lists), arch_prctl and the
// RLIMIT_NPROC fork bomb, all from scripted programs through the real dispatch path.
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <asm/prctl.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "run_program.h"
#include "scripted_memory.h"
#include <kernel/signal/signal_test_util.inc>

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;
using orrery::testing::map_rw;
using orrery::testing::read_u32;
using orrery::testing::write_u32;

using sigtest::kBadPtr;
constexpr uint64_t kThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                  CLONE_THREAD | CLONE_SYSVSEM;

// pthread_join: sleep on the CLONE_CHILD_CLEARTID word until the kernel zeroes it.
void join(ScriptedUser& u, uint64_t ctid) {
    for (;;) {
        uint32_t v = read_u32(u, ctid);
        if (v == 0) return;
        int64_t r = u.syscall(SYS_futex, ctid, FUTEX_WAIT, v, 0, 0, 0);
        ASSERT_TRUE(r == 0 || r == -EAGAIN) << r;
    }
}

int wait_status(ScriptedUser& u, int64_t pid) {
    uint64_t st = u.stack_alloc(8);
    EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
    return static_cast<int>(read_u32(u, st));
}

TEST(CloneSyscalls, ForkAndWaitReportEachChildsExitCode) {
    int status = run_program("fork_codes", [](ScriptedUser& u) {
        int64_t pids[3];
        for (int i = 0; i < 3; ++i) {
            pids[i] = u.fork([i](ScriptedUser& c) {
                EXPECT_EQ(c.syscall(SYS_getppid), 1);
                EXPECT_GT(c.syscall(SYS_getpid), 1);
                return 10 + i;
            });
            EXPECT_GT(pids[i], 1);
        }
        for (int i = 2; i >= 0; --i) {
            int st = wait_status(u, pids[i]);
            EXPECT_TRUE(WIFEXITED(st));
            EXPECT_EQ(WEXITSTATUS(st), 10 + i);
        }
        EXPECT_EQ(u.syscall(SYS_wait4, -1, 0, 0, 0), -ECHILD);
        // CLONE_PARENT from a child: the grandchild becomes init's child (our sibling's).
        int64_t mid = u.fork([](ScriptedUser& c) {
            int64_t sib = c.clone(CLONE_PARENT | SIGCHLD, 0, 0, 0, 0, [](ScriptedUser& g) {
                EXPECT_EQ(g.syscall(SYS_getppid), 1);
                return 9;
            });
            EXPECT_GT(sib, 1);
            EXPECT_EQ(c.syscall(SYS_wait4, -1, 0, 0, 0), -ECHILD);  // Not our child.
            return sib > 0 ? static_cast<int>(sib) & 0x7f : 0;
        });
        int mid_status = wait_status(u, mid);
        int64_t sib_pid = u.syscall(SYS_wait4, -1, 0, 0, 0);
        EXPECT_GT(sib_pid, 1);
        EXPECT_EQ(sib_pid & 0x7f, WEXITSTATUS(mid_status));
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, ForkedMemoryIsCopyOnWrite) {
    int status = run_program("fork_cow", [](ScriptedUser& u) {
        int64_t a = map_rw(u, 2 * 4096);
        u.write_u64(a, 111);
        uint64_t on_stack = u.stack_alloc(8);
        u.write_u64(on_stack, 5);
        int64_t pid = u.fork([a, on_stack](ScriptedUser& c) {
            EXPECT_EQ(c.read_u64(a), 111u);  // Sees the parent's data...
            EXPECT_EQ(c.read_u64(on_stack), 5u);
            c.write_u64(a, 222);  // ...but writes only its own copy.
            c.write_u64(on_stack, 6);
            c.write_u64(a + 4096, 333);
            return c.read_u64(a) == 222 ? 0 : 1;
        });
        EXPECT_EQ(WEXITSTATUS(wait_status(u, pid)), 0);
        EXPECT_EQ(u.read_u64(a), 111u);
        EXPECT_EQ(u.read_u64(on_stack), 5u);
        EXPECT_EQ(u.read_u64(a + 4096), 0u);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, VforkParentSleepsUntilChildExits) {
    int status = run_program("vfork", [](ScriptedUser& u) {
        int64_t a = map_rw(u, 4096);
        int64_t pid = u.clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0,
                              [a](ScriptedUser& c) {
                                  // Shared memory: the parent sees this once it runs again.
                                  for (int i = 0; i < 50; ++i) c.syscall(SYS_getpid);
                                  c.write_u64(a, 77);
                                  return 3;
                              });
        EXPECT_GT(pid, 1);
        EXPECT_EQ(u.read_u64(a), 77u);  // The child finished before clone returned here.
        EXPECT_EQ(WEXITSTATUS(wait_status(u, pid)), 3);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, ThreadsShareMemoryAndJoinThroughChildCleartid) {
    int status = run_program("threads", [](ScriptedUser& u) {
        constexpr int kThreads = 3;
        int64_t shared = map_rw(u, 4096);
        int64_t stacks = map_rw(u, kThreads * 65536);
        uint64_t tids = u.stack_alloc(8 * kThreads);
        int64_t tid[kThreads];
        for (int i = 0; i < kThreads; ++i) {
            uint64_t ptid = tids + 8 * i, ctid = tids + 8 * i + 4;
            uint64_t tls = 0x1000 * (i + 1);
            tid[i] = u.clone(kThreadFlags | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                 CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
                             stacks + 65536 * (i + 1), ptid, ctid, tls,
                             [=](ScriptedUser& c) {
                                 EXPECT_EQ(c.syscall(SYS_getpid), 1);  // Same process.
                                 int64_t me = c.syscall(SYS_gettid);
                                 EXPECT_EQ(read_u32(c, ctid), static_cast<uint32_t>(me));
                                 uint64_t fs = c.stack_alloc(8);
                                 EXPECT_EQ(c.syscall(SYS_arch_prctl, ARCH_GET_FS, fs), 0);
                                 EXPECT_EQ(c.read_u64(fs), tls);
                                 c.write_u64(shared + 8 * i, 100 + i);
                                 return 0;
                             });
            EXPECT_GT(tid[i], 1);
            EXPECT_EQ(read_u32(u, ptid), static_cast<uint32_t>(tid[i]));
        }
        for (int i = 0; i < kThreads; ++i) join(u, tids + 8 * i + 4);
        for (int i = 0; i < kThreads; ++i) EXPECT_EQ(u.read_u64(shared + 8 * i), 100u + i);
        EXPECT_EQ(u.syscall(SYS_wait4, -1, 0, WNOHANG, 0), -ECHILD);  // Threads are not children.
        return 0;
    }, kernel_machine(3));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, FlagCombinationsLinuxRejects) {
    int status = run_program("clone_flags", [](ScriptedUser& u) {
        auto never = [](ScriptedUser&) { ADD_FAILURE() << "child ran"; return 1; };
        EXPECT_EQ(u.clone(CLONE_THREAD | CLONE_VM, 0, 0, 0, 0, never), -EINVAL);
        EXPECT_EQ(u.clone(CLONE_SIGHAND, 0, 0, 0, 0, never), -EINVAL);
        EXPECT_EQ(u.clone(CLONE_PARENT | SIGCHLD, 0, 0, 0, 0, never), -EINVAL);  // From init.
        EXPECT_EQ(u.clone(CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0, never), -EINVAL);
        EXPECT_EQ(u.clone(CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0, never), -EINVAL);  // Root: no ns.
        EXPECT_EQ(u.clone(CLONE_PIDFD | SIGCHLD, 0, 0, 0, 0, never), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_setresuid, 1000, 1000, 0), 0);
        EXPECT_EQ(u.clone(CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0, never), -EPERM);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, Clone3ChecksSizeAndArguments) {
    int status = run_program("clone3", [](ScriptedUser& u) {
        struct CloneArgs {
            uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
                set_tid, set_tid_size, cgroup;
        };
        CloneArgs ca{};
        ca.exit_signal = SIGCHLD;
        uint64_t buf = u.stack_alloc(4096 + 64);
        auto put = [&](const CloneArgs& v) { u.write(buf, &v, sizeof v); };
        put(ca);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, 63), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, 4097), -E2BIG);
        EXPECT_EQ(u.syscall(SYS_clone3, kBadPtr, sizeof ca), -EFAULT);
        u.write_u64(buf + sizeof ca, 1);  // Unknown trailing field set.
        EXPECT_EQ(u.syscall(SYS_clone3, buf, sizeof ca + 8), -E2BIG);
        CloneArgs bad = ca;
        bad.exit_signal = 65;
        put(bad);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, sizeof ca), -EINVAL);
        bad = ca;
        bad.stack = 0x100000;  // Stack without a size.
        put(bad);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, sizeof ca), -EINVAL);
        bad = ca;
        bad.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;  // Threads take no exit signal.
        put(bad);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, sizeof ca), -EINVAL);
        bad = ca;
        bad.flags = SIGCHLD;  // CSIGNAL bits are not flags in clone3.
        put(bad);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, 64), -EINVAL);
        bad = ca;
        bad.set_tid_size = 1;  // Without set_tid.
        put(bad);
        EXPECT_EQ(u.syscall(SYS_clone3, buf, sizeof ca), -EINVAL);
        // A valid clone3 creates a child. Scripted code has no clone3 continuation, so the
        // child starts at the parent's syscall site, which is not code in its own image: it
        // dies of SIGSEGV, which proves it was created and ran.
        bad = ca;
        bad.flags = CLONE_PARENT_SETTID;
        bad.parent_tid = buf + 2048;
        put(bad);
        int64_t pid = u.syscall(SYS_clone3, buf, 64);
        EXPECT_GT(pid, 1);
        EXPECT_EQ(read_u32(u, buf + 2048), static_cast<uint32_t>(pid));
        int st = wait_status(u, pid);
        EXPECT_TRUE(WIFSIGNALED(st));
        EXPECT_EQ(WTERMSIG(st), SIGSEGV);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, ForkBombEndsInEagainUnderRlimitNproc) {
    int status = run_program("forkbomb", [](ScriptedUser& u) {
        constexpr uint64_t kLimit = 12;
        int64_t gate = map_rw(u, 4096, MAP_SHARED | MAP_ANONYMOUS);
        EXPECT_EQ(u.syscall(SYS_setresuid, 1000, 1000, 0), 0);
        uint64_t lim[2] = {kLimit, kLimit};
        EXPECT_EQ(u.syscall(SYS_setrlimit, RLIMIT_NPROC, u.push(lim, 16)), 0);
        int forked = 0;
        int64_t r = 0;
        for (int i = 0; i < 100; ++i) {
            r = u.fork([gate](ScriptedUser& c) {
                // Every child tries to fork too, then parks until the gate opens.
                int64_t g = c.fork([](ScriptedUser&) { return 0; });
                if (g > 0) wait_status(c, g);
                while (read_u32(c, gate) == 0) c.syscall(SYS_futex, gate, FUTEX_WAIT, 0, 0, 0, 0);
                return 0;
            });
            if (r < 0) break;
            ++forked;
        }
        EXPECT_EQ(r, -EAGAIN);
        EXPECT_GE(forked, 1);
        EXPECT_LT(forked, static_cast<int>(kLimit));
        write_u32(u, gate, 1);
        u.syscall(SYS_futex, gate, FUTEX_WAKE, INT32_MAX, 0, 0, 0);
        int reaped = 0;
        while (u.syscall(SYS_wait4, -1, 0, 0, 0) > 0) ++reaped;
        EXPECT_EQ(reaped, forked);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, ArchPrctlFsAndGsBases) {
    int status = run_program("arch_prctl", [](ScriptedUser& u) {
        uint64_t out = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_SET_FS, 0x12345000), 0);
        EXPECT_EQ(u.regs().fs_base, 0x12345000u);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_GET_FS, out), 0);
        EXPECT_EQ(u.read_u64(out), 0x12345000u);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_SET_GS, 0x777000), 0);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_GET_GS, out), 0);
        EXPECT_EQ(u.read_u64(out), 0x777000u);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_GET_FS, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, ARCH_SET_FS, uint64_t{1} << 47), -EPERM);
        EXPECT_EQ(u.syscall(SYS_arch_prctl, 0x9999, 0), -EINVAL);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, RobustListMarksOwnerDiedAtThreadExit) {
    int status = run_program("robust", [](ScriptedUser& u) {
        uint64_t out = u.stack_alloc(16);
        EXPECT_EQ(u.syscall(SYS_set_robust_list, 0x1000, 23), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_get_robust_list, 0, kBadPtr, out + 8), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_get_robust_list, 4242, out, out + 8), -ESRCH);
        int64_t mem = map_rw(u, 4096);
        int64_t stack = map_rw(u, 65536);
        // Layout: head {next, offset, pending} at mem; one lock entry at mem+64 whose futex
        // word sits at entry + 16.
        uint64_t head = mem, entry = mem + 64, word = entry + 16, ctid = mem + 256;
        int64_t tid = u.clone(kThreadFlags | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, stack + 65536,
                              0, ctid, 0, [=](ScriptedUser& c) {
            uint32_t me = static_cast<uint32_t>(c.syscall(SYS_gettid));
            c.write_u64(head, entry);
            c.write_u64(head + 8, 16);
            c.write_u64(head + 16, 0);
            c.write_u64(entry, head);  // Circular: back to the head.
            write_u32(c, word, me | FUTEX_WAITERS);
            EXPECT_EQ(c.syscall(SYS_set_robust_list, head, 24), 0);
            uint64_t got = c.stack_alloc(16);
            EXPECT_EQ(c.syscall(SYS_get_robust_list, 0, got, got + 8), 0);
            EXPECT_EQ(c.read_u64(got), head);
            EXPECT_EQ(c.read_u64(got + 8), 24u);
            return 0;  // Dies holding the lock.
        });
        EXPECT_GT(tid, 1);
        join(u, ctid);
        EXPECT_EQ(read_u32(u, word), static_cast<uint32_t>(FUTEX_OWNER_DIED | FUTEX_WAITERS));
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, NewThreadInheritsTheSignalMask) {
    int status = run_program("clone_mask", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 2 * 65536);
        uint64_t seen = mem, ctid = mem + 64;
        EXPECT_EQ(sigtest::set_mask(u, SIG_BLOCK, sigtest::bit(SIGUSR1), u.stack_alloc(8)), 0);
        int64_t tid = u.clone(kThreadFlags | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
                              mem + 2 * 65536, 0, ctid, 0, [seen](ScriptedUser& c) {
                                  c.write_u64(seen, sigtest::current_mask(c, c.stack_alloc(8)));
                                  return 0;
                              });
        EXPECT_GT(tid, 1);
        join(u, ctid);
        EXPECT_EQ(u.read_u64(seen), sigtest::bit(SIGUSR1));
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, SetTidAddressWordIsClearedAndWokenAtExit) {
    int status = run_program("set_tid_address", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 2 * 65536);
        uint64_t word = mem;
        write_u32(u, word, 0xffff);  // Non-zero until the kernel clears it.
        int64_t tid = u.clone(kThreadFlags, mem + 2 * 65536, 0, 0, 0, [word](ScriptedUser& c) {
            EXPECT_EQ(c.syscall(SYS_set_tid_address, word), c.syscall(SYS_gettid));
            return 0;
        });
        EXPECT_GT(tid, 1);
        join(u, word);  // Returns only once the exiting thread zeroed the word and woke us.
        EXPECT_EQ(read_u32(u, word), 0u);
        return 0;
    }, kernel_machine(2));
    EXPECT_EQ(status, 0);
}

TEST(CloneSyscalls, ExitSignalIsTheCloneLowByte) {
    int status = run_program("exit_signal", [](ScriptedUser& u) {
        int64_t mem = map_rw(u, 4096);
        uint64_t usr1 = mem, chld = mem + 8;
        auto counter = [&u](uint64_t at) {
            return u.code_address([at](ScriptedUser& h) { h.write_u64(at, h.read_u64(at) + 1); });
        };
        EXPECT_EQ(sigtest::set_handler(u, SIGUSR1, counter(usr1), sigtest::kSaRestart), 0);
        EXPECT_EQ(sigtest::set_handler(u, SIGCHLD, counter(chld), sigtest::kSaRestart), 0);
        int64_t a = u.clone(SIGUSR1, 0, 0, 0, 0, [](ScriptedUser&) { return 0; });
        EXPECT_EQ(u.syscall(SYS_wait4, a, 0, __WALL, 0), a);
        int64_t b = u.clone(0, 0, 0, 0, 0, [](ScriptedUser&) { return 0; });  // Silent death.
        EXPECT_EQ(u.syscall(SYS_wait4, b, 0, __WALL, 0), b);
        int64_t c = u.fork([](ScriptedUser&) { return 0; });
        EXPECT_EQ(u.syscall(SYS_wait4, c, 0, 0, 0), c);
        u.syscall(SYS_getpid);  // A return to user mode delivers anything still pending.
        EXPECT_EQ(u.read_u64(usr1), 1u);
        EXPECT_EQ(u.read_u64(chld), 1u);  // Only the fork child's.
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
