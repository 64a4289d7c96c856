// Signals between processes: default actions seen through wait4 (core bit), SIGCHLD with its
// siginfo, SA_RESTART vs EINTR on a blocking wait4, stop/continue with WUNTRACED/WCONTINUED,
// kill permissions and process groups, and what fork inherits. Needs fork(2): until it is
// implemented the programs report kNoFork and the tests skip.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "kernel/signal/signal_test_util.inc"
#include "run_program.h"

namespace {

using namespace sigtest;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr int kNoFork = 77;

struct Ts {
    int64_t sec, nsec;
};

void nap(ScriptedUser& u, int64_t ms) {
    Ts t{0, ms * 1'000'000};
    u.syscall(SYS_nanosleep, u.push(&t, sizeof t), 0);
}

// fork() or report that there is none (the program then exits with kNoFork).
#define FORK_OR_SKIP(u, child)                        \
    ({                                                \
        int64_t pid_ = (u).fork(child);               \
        if (pid_ == -ENOSYS) return kNoFork;          \
        pid_;                                         \
    })

int run(const char* name, ostd::host::ScriptedMain body, unsigned cpus = 1) {
    return run_program(name, std::move(body), kernel_machine(cpus));
}

#define EXPECT_PASSES(status)                              \
    do {                                                   \
        int s_ = (status);                                 \
        if (s_ == kNoFork) GTEST_SKIP() << "no fork yet";  \
        EXPECT_EQ(s_, 0);                                  \
    } while (0)

TEST(ProcessSignals, DefaultActionsInWaitStatus) {
    EXPECT_PASSES(run("psig_dfl", [](ScriptedUser& u) {
        uint64_t st = u.stack_alloc(8);
        // Init's RLIMIT_CORE is 0: no dump, so no core bit, as on Linux.
        int64_t quit_pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            cu.syscall(SYS_kill, cu.syscall(SYS_getpid), SIGQUIT);
            return 1;
        });
        EXPECT_EQ(u.syscall(SYS_wait4, quit_pid, st, 0, 0), quit_pid);
        EXPECT_EQ(static_cast<int>(u.read_u64(st) & 0xffffffff), SIGQUIT);
        uint64_t lim = u.stack_alloc(16);
        u.write_u64(lim, ~uint64_t{0});
        u.write_u64(lim + 8, ~uint64_t{0});
        EXPECT_EQ(u.syscall(SYS_setrlimit, RLIMIT_CORE, lim), 0);
        struct Case {
            int sig;
            int expect;
        } cases[] = {{SIGTERM, SIGTERM}, {SIGQUIT, SIGQUIT | 0x80}, {SIGABRT, SIGABRT | 0x80},
                     {SIGUSR1, SIGUSR1}, {SIGKILL, SIGKILL}};
        for (const Case& c : cases) {
            int sig = c.sig;
            int64_t pid = FORK_OR_SKIP(u, [sig](ScriptedUser& cu) {
                cu.syscall(SYS_kill, cu.syscall(SYS_getpid), sig);
                return 1;
            });
            EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
            EXPECT_EQ(static_cast<int>(u.read_u64(st) & 0xffffffff), c.expect) << sig;
        }
        // A fault: SIGSEGV with the core bit.
        int64_t pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            cu.read_u64(0x10000);
            return 1;
        });
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(static_cast<int>(u.read_u64(st) & 0xffffffff), SIGSEGV | 0x80);
        return 0;
    }));
}

TEST(ProcessSignals, SigchldCarriesChildStatus) {
    EXPECT_PASSES(run("psig_chld", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(256);
        kabi::SigInfo got{};
        int calls = 0;
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            ++calls;
            hu.read(hu.regs().rsi, &got, sizeof got);
        });
        EXPECT_EQ(set_handler(u, SIGCHLD, h, kSaSiginfo), 0);
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGCHLD), scratch), 0);
        int64_t pid = FORK_OR_SKIP(u, [](ScriptedUser&) { return 5; });
        u.write_u64(scratch, bit(SIGCHLD));
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, scratch + 64, 0, 8), SIGCHLD);
        u.read(scratch + 64, &got, sizeof got);
        EXPECT_EQ(got.si_code, CLD_EXITED);
        EXPECT_EQ(got.fields.child.pid, pid);
        EXPECT_EQ(got.fields.child.status, 5);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, 0, 0, 0), pid);
        // Unblocked: the handler runs for a killed child.
        EXPECT_EQ(set_mask(u, SIG_UNBLOCK, bit(SIGCHLD), scratch), 0);
        pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            cu.syscall(SYS_kill, cu.syscall(SYS_getpid), SIGTERM);
            return 0;
        });
        while (calls == 0) nap(u, 1);
        EXPECT_EQ(got.si_code, CLD_KILLED);
        EXPECT_EQ(got.fields.child.status, SIGTERM);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, 0, 0, 0), pid);
        return 0;
    }));
}

TEST(ProcessSignals, SaRestartRestartsWait4ElseEintr) {
    EXPECT_PASSES(run("psig_restart", [](ScriptedUser& u) {
        int calls = 0;
        uint64_t h = u.code_address([&](ScriptedUser&) { ++calls; });
        for (bool restart : {true, false}) {
            EXPECT_EQ(set_handler(u, SIGUSR1, h, restart ? kSaRestart : 0), 0);
            int64_t pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
                nap(cu, 30);  // Let the parent block in wait4.
                cu.syscall(SYS_kill, cu.syscall(SYS_getppid), SIGUSR1);
                nap(cu, 30);
                return 3;
            });
            int before = calls;
            int64_t r = u.syscall(SYS_wait4, pid, 0, 0, 0);
            EXPECT_EQ(calls, before + 1);
            if (restart) {
                EXPECT_EQ(r, pid);
            } else {
                EXPECT_EQ(r, -EINTR);
                EXPECT_EQ(u.syscall(SYS_wait4, pid, 0, 0, 0), pid);
            }
        }
        return 0;
    }));
}

TEST(ProcessSignals, StopAndContinue) {
    EXPECT_PASSES(run("psig_stop", [](ScriptedUser& u) {
        uint64_t st = u.stack_alloc(8);
        int64_t pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            for (;;) nap(cu, 5);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGSTOP), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WUNTRACED, 0), pid);
        int s = static_cast<int>(u.read_u64(st));
        EXPECT_TRUE(WIFSTOPPED(s));
        EXPECT_EQ(WSTOPSIG(s), SIGSTOP);
        // While stopped, SIGTERM waits for the continue.
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGTERM), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WNOHANG, 0), 0);
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGCONT), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        s = static_cast<int>(u.read_u64(st));
        EXPECT_TRUE(WIFSIGNALED(s));
        EXPECT_EQ(WTERMSIG(s), SIGTERM);

        pid = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            for (;;) nap(cu, 5);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGTSTP), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WUNTRACED, 0), pid);
        EXPECT_EQ(WSTOPSIG(static_cast<int>(u.read_u64(st))), SIGTSTP);
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGCONT), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WCONTINUED, 0), pid);
        EXPECT_TRUE(WIFCONTINUED(static_cast<int>(u.read_u64(st))));
        // SIGKILL ends a stopped process too.
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGSTOP), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, WUNTRACED, 0), pid);
        EXPECT_EQ(u.syscall(SYS_kill, pid, SIGKILL), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(WTERMSIG(static_cast<int>(u.read_u64(st))), SIGKILL);
        return 0;
    }, 2));
}

TEST(ProcessSignals, KillPermissionsAndGroups) {
    EXPECT_PASSES(run("psig_perm", [](ScriptedUser& u) {
        uint64_t st = u.stack_alloc(8);
        int64_t sleeper = FORK_OR_SKIP(u, [](ScriptedUser& cu) {
            for (;;) nap(cu, 5);
            return 0;
        });
        int64_t pid = FORK_OR_SKIP(u, [sleeper](ScriptedUser& cu) {
            EXPECT_EQ(cu.syscall(SYS_setresuid, 1000, 1000, 1000), 0);
            EXPECT_EQ(cu.syscall(SYS_kill, 1, 0), -EPERM);
            EXPECT_EQ(cu.syscall(SYS_kill, 1, SIGTERM), -EPERM);
            EXPECT_EQ(cu.syscall(SYS_kill, sleeper, SIGKILL), -EPERM);
            EXPECT_EQ(cu.syscall(SYS_tgkill, 1, 1, SIGTERM), -EPERM);
            EXPECT_EQ(cu.syscall(SYS_kill, -1, SIGTERM), -EPERM);  // Only root-owned others.
            EXPECT_EQ(cu.syscall(SYS_kill, cu.syscall(SYS_getpid), 0), 0);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(u.read_u64(st) & 0xffff, 0u);
        // Root may signal anyone; kill(-pgid) reaches the group.
        EXPECT_EQ(u.syscall(SYS_setpgid, sleeper, sleeper), 0);
        EXPECT_EQ(u.syscall(SYS_kill, -sleeper, SIGUSR2), 0);
        EXPECT_EQ(u.syscall(SYS_wait4, sleeper, st, 0, 0), sleeper);
        EXPECT_EQ(u.read_u64(st) & 0x7f, uint64_t{SIGUSR2});
        return 0;
    }));
}

TEST(ProcessSignals, ForkInheritsHandlersAndMaskNotPending) {
    EXPECT_PASSES(run("psig_inherit", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        uint64_t st = u.stack_alloc(8);
        int child_calls = 0;
        uint64_t h = u.code_address([&](ScriptedUser&) { ++child_calls; });
        EXPECT_EQ(set_handler(u, SIGUSR1, h), 0);
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGUSR2), scratch), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR2), 0);  // Pending in the parent only.
        int64_t pid = FORK_OR_SKIP(u, [&](ScriptedUser& cu) {
            uint64_t s = cu.stack_alloc(8);
            if (current_mask(cu, s) != bit(SIGUSR2)) return 10;
            cu.syscall(SYS_rt_sigpending, s, 8);
            if (cu.read_u64(s) != 0) return 11;
            cu.syscall(SYS_kill, cu.syscall(SYS_getpid), SIGUSR1);
            return child_calls == 1 ? 0 : 12;
        });
        EXPECT_EQ(u.syscall(SYS_wait4, pid, st, 0, 0), pid);
        EXPECT_EQ(u.read_u64(st) & 0xffff, 0u);
        u.write_u64(scratch, bit(SIGUSR2));
        Ts zero{0, 0};
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, 0, u.push(&zero, 16), 8), SIGUSR2);
        return 0;
    }));
}

TEST(ProcessSignals, ExecResetsCaughtKeepsIgnoredAndMask) {
    ostd::host::register_scripted_program("sig_exec_target", [](ScriptedUser& u) {
        uint64_t s = u.stack_alloc(64);
        EXPECT_EQ(u.syscall(SYS_rt_sigaction, SIGUSR1, 0, s, 8), 0);
        EXPECT_EQ(u.read_u64(s), 0u);  // Caught -> SIG_DFL.
        EXPECT_EQ(u.syscall(SYS_rt_sigaction, SIGUSR2, 0, s, 8), 0);
        EXPECT_EQ(u.read_u64(s), kSigIgn);  // Ignored stays ignored.
        EXPECT_EQ(current_mask(u, s), bit(SIGHUP));
        EXPECT_EQ(u.syscall(SYS_sigaltstack, 0, s), 0);
        EXPECT_EQ(static_cast<int32_t>(u.read_u64(s + 8)), SS_DISABLE);
        EXPECT_EQ(u.syscall(SYS_rt_sigpending, s, 8), 0);
        EXPECT_EQ(u.read_u64(s), bit(SIGHUP));  // Pending survives execve.
        return 0;
    });
    int status = run("psig_exec", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        uint64_t h = u.code_address([](ScriptedUser&) {});
        EXPECT_EQ(set_handler(u, SIGUSR1, h), 0);
        EXPECT_EQ(set_handler(u, SIGUSR2, kSigIgn), 0);
        EXPECT_EQ(set_mask(u, SIG_SETMASK, bit(SIGHUP), scratch), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGHUP), 0);
        kabi::StackT ss{0, 0, 0, 8192};
        ss.ss_sp = static_cast<uint64_t>(u.syscall(SYS_mmap, 0, 8192, 3, 0x22, -1, 0));
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&ss, sizeof ss), 0), 0);
        uint64_t path = u.push_string("scripted:sig_exec_target");
        uint64_t argv[2] = {path, 0};
        uint64_t uargv = u.push(argv, sizeof argv);
        int64_t r = u.syscall(SYS_execve, path, uargv, uargv + 8);
        return r == -ENOSYS ? kNoFork : 100;  // Only reached when execve failed.
    });
    if (status == kNoFork) GTEST_SKIP() << "no execve yet";
    EXPECT_EQ(status, 0);
}

}  // namespace
