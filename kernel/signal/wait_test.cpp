// Signal waits and sources through the real kernel: rt_sigtimedwait, rt_sigsuspend, pause,
// alarm/setitimer/getitimer, sigaltstack, kill/tkill/tgkill/rt_sigqueueinfo and RT queueing.
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "kernel/signal/signal_test_util.inc"
#include "run_program.h"

namespace {

using namespace sigtest;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

struct Ts {
    int64_t sec, nsec;
};
struct Itv {
    int64_t int_sec, int_usec, val_sec, val_usec;
};

TEST(SignalWait, SigtimedwaitTakesPendingAndTimesOut) {
    int status = run_program("sig_timedwait", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(256);
        uint64_t set = scratch, info = scratch + 64;
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGUSR1) | bit(SIGUSR2), scratch), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR2), 0);
        u.write_u64(set, bit(SIGUSR1) | bit(SIGUSR2));
        Ts zero{0, 0};
        uint64_t tz = u.push(&zero, sizeof zero);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, info, tz, 8), SIGUSR2);
        kabi::SigInfo si;
        u.read(info, &si, sizeof si);
        EXPECT_EQ(si.si_signo, SIGUSR2);
        EXPECT_EQ(si.si_code, SI_USER);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, info, tz, 8), -EAGAIN);
        Ts short_wait{0, 20'000'000};
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, 0, u.push(&short_wait, 16), 8), -EAGAIN);
        Ts bad{0, 1'000'000'000};
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, 0, u.push(&bad, 16), 8), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, 0, tz, 4), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, kBadPtr, 0, tz, 8), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, 0, kBadPtr, 8), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, set, kBadPtr, tz, 8), -EFAULT);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, AlarmWakesSigtimedwaitAndPause) {
    int status = run_program("sig_alarm_wake", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(256);
        int alarms = 0;
        uint64_t h = u.code_address([&](ScriptedUser&) { ++alarms; });
        EXPECT_EQ(set_handler(u, SIGALRM, h), 0);
        // An ITIMER_REAL shot interrupts a wait for another signal: EINTR, handler runs.
        Itv it{0, 0, 0, 20'000};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&it, sizeof it), 0), 0);
        u.write_u64(scratch, bit(SIGUSR1));
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, 0, 0, 8), -EINTR);
        EXPECT_EQ(alarms, 1);
        // pause() returns EINTR after a handler ran.
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&it, sizeof it), 0), 0);
        EXPECT_EQ(u.syscall(SYS_pause), -EINTR);
        EXPECT_EQ(alarms, 2);
        // A periodic timer fires repeatedly; getitimer reports the interval.
        Itv periodic{0, 5'000, 0, 5'000};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&periodic, 32), 0), 0);
        uint64_t cur = scratch + 64;
        EXPECT_EQ(u.syscall(SYS_getitimer, ITIMER_REAL, cur), 0);
        Itv got;
        u.read(cur, &got, sizeof got);
        EXPECT_EQ(got.int_usec, 5'000);
        EXPECT_GT(got.val_usec + got.val_sec, 0);
        while (alarms < 5) EXPECT_EQ(u.syscall(SYS_pause), -EINTR);
        Itv off{0, 0, 0, 0};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&off, 32), cur), 0);
        u.read(cur, &got, sizeof got);
        EXPECT_EQ(got.int_usec, 5'000);  // The old setting.
        EXPECT_EQ(u.syscall(SYS_getitimer, ITIMER_REAL, cur), 0);
        u.read(cur, &got, sizeof got);
        EXPECT_EQ(got.val_sec + got.val_usec + got.int_usec, 0);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, AlarmDefaultActionTerminates) {
    int status = run_program("sig_alarm_dfl", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(SYS_alarm, 100), 0);
        EXPECT_EQ(u.syscall(SYS_alarm, 0), 100);  // Remaining seconds, rounded.
        EXPECT_EQ(u.syscall(SYS_alarm, 0), 0);
        Itv it{0, 0, 0, 10'000};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&it, sizeof it), 0), 0);
        u.syscall(SYS_pause);
        ADD_FAILURE() << "survived SIGALRM";
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 128 + SIGALRM);
}

TEST(SignalWait, ArmedPeriodicTimerAtExitIsHarmless) {
    int status = run_program("sig_alarm_exit", [](ScriptedUser& u) {
        uint64_t h = u.code_address([](ScriptedUser&) {});
        EXPECT_EQ(set_handler(u, SIGALRM, h), 0);
        Itv fast{0, 1'000, 0, 1'000};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&fast, 32), 0), 0);
        EXPECT_EQ(u.syscall(SYS_pause), -EINTR);
        return 9;  // Exit while the timer keeps firing: it must be stopped, not left dangling.
    }, kernel_machine(2));
    EXPECT_EQ(status, 9);
}

TEST(SignalWait, ItimerErrors) {
    int status = run_program("sig_itimer_err", [](ScriptedUser& u) {
        uint64_t buf = u.stack_alloc(64);
        EXPECT_EQ(u.syscall(SYS_getitimer, 3, buf), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_getitimer, ITIMER_REAL, kBadPtr), -EFAULT);
        Itv bad{0, 0, 0, 1'000'000};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&bad, 32), 0), -EINVAL);
        Itv neg{0, 0, -1, 0};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&neg, 32), 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, kBadPtr, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_setitimer, -1, 0, 0), -EINVAL);
        Itv v{1, 0, 2, 0};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_VIRTUAL, u.push(&v, 32), 0), 0);
        EXPECT_EQ(u.syscall(SYS_getitimer, ITIMER_VIRTUAL, buf), 0);
        Itv got;
        u.read(buf, &got, sizeof got);
        EXPECT_EQ(got.int_sec, 1);
        int64_t left_us = got.val_sec * 1'000'000 + got.val_usec;  // Counts down with CPU time.
        EXPECT_LE(left_us, 2'000'000);
        EXPECT_GT(left_us, 1'500'000);
        Itv arm{0, 0, 5, 0};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_REAL, u.push(&arm, 32), kBadPtr), -EFAULT);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, CpuTimersFireWithCpuTime) {
    int status = run_program("sig_cpu_timers", [](ScriptedUser& u) {
        int prof = 0, vt = 0;
        uint64_t hp = u.code_address([&](ScriptedUser&) { ++prof; });
        uint64_t hv = u.code_address([&](ScriptedUser&) { ++vt; });
        EXPECT_EQ(set_handler(u, SIGPROF, hp), 0);
        EXPECT_EQ(set_handler(u, SIGVTALRM, hv), 0);
        Itv periodic{0, 500, 0, 500};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_PROF, u.push(&periodic, 32), 0), 0);
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_VIRTUAL, u.push(&periodic, 32), 0), 0);
        for (int i = 0; i < 5'000'000 && (prof < 3 || vt < 1); ++i) u.syscall(SYS_getpid);
        EXPECT_GE(prof, 3);  // Periodic: keeps firing.
        EXPECT_GE(vt, 1);
        Itv off{0, 0, 0, 0};
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_PROF, u.push(&off, 32), 0), 0);
        EXPECT_EQ(u.syscall(SYS_setitimer, ITIMER_VIRTUAL, u.push(&off, 32), 0), 0);
        int before = prof;
        for (int i = 0; i < 2000; ++i) u.syscall(SYS_getpid);
        EXPECT_EQ(prof, before);  // Disarmed.
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, SigsuspendSwapsMaskForTheHandler) {
    int status = run_program("sig_suspend", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(128);
        uint64_t seen_uc_mask = 0, seen_mask = 0;
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            kabi::Ucontext ucx;
            hu.read(hu.regs().rdx, &ucx, sizeof ucx);
            seen_uc_mask = ucx.uc_sigmask;
            seen_mask = current_mask(hu, scratch + 64);
        });
        EXPECT_EQ(set_handler(u, SIGUSR1, h), 0);
        EXPECT_EQ(set_mask(u, SIG_SETMASK, bit(SIGUSR1) | bit(SIGHUP), scratch), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);  // Pending, blocked.
        u.write_u64(scratch, bit(SIGHUP));
        EXPECT_EQ(u.syscall(SYS_rt_sigsuspend, scratch, 8), -EINTR);
        EXPECT_EQ(seen_uc_mask, bit(SIGUSR1) | bit(SIGHUP));  // The mask before sigsuspend.
        EXPECT_EQ(seen_mask, bit(SIGUSR1) | bit(SIGHUP));
        EXPECT_EQ(current_mask(u, scratch), bit(SIGUSR1) | bit(SIGHUP));
        EXPECT_EQ(u.syscall(SYS_rt_sigsuspend, scratch, 4), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_rt_sigsuspend, kBadPtr, 8), -EFAULT);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, AltStackRunsHandlerOnIt) {
    int status = run_program("sig_altstack", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(128);
        constexpr uint64_t kSize = 64 * 1024;
        int64_t base = u.syscall(SYS_mmap, 0, kSize, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        EXPECT_GT(base, 0);
        uint64_t b = static_cast<uint64_t>(base);
        uint64_t handler_sp = 0;
        kabi::StackT inside{};
        int64_t set_inside = 0;
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            handler_sp = hu.regs().rsp;
            EXPECT_EQ(hu.syscall(SYS_sigaltstack, 0, scratch), 0);
            hu.read(scratch, &inside, sizeof inside);
            kabi::StackT other{b, 0, 0, kSize};
            hu.write(scratch + 32, &other, sizeof other);
            set_inside = hu.syscall(SYS_sigaltstack, scratch + 32, 0);
        });
        kabi::StackT ss{b, 0, 0, kSize};
        uint64_t old = scratch + 64;
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&ss, sizeof ss), old), 0);
        kabi::StackT prev;
        u.read(old, &prev, sizeof prev);
        EXPECT_EQ(prev.ss_flags, SS_DISABLE);
        EXPECT_EQ(set_handler(u, SIGUSR1, h, kSaOnstack), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        EXPECT_GT(handler_sp, b);
        EXPECT_LT(handler_sp, b + kSize);
        EXPECT_EQ(inside.ss_flags, SS_ONSTACK);
        EXPECT_EQ(inside.ss_sp, b);
        EXPECT_EQ(set_inside, -EPERM);
        EXPECT_EQ(u.syscall(SYS_sigaltstack, 0, old), 0);
        u.read(old, &prev, sizeof prev);
        EXPECT_EQ(prev.ss_flags, 0);
        EXPECT_EQ(prev.ss_size, kSize);
        // Without SA_ONSTACK the handler stays on the normal stack.
        EXPECT_EQ(set_handler(u, SIGUSR1, h), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        EXPECT_FALSE(handler_sp > b && handler_sp < b + kSize);
        // Errors.
        kabi::StackT small{b, 0, 0, 1024};
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&small, 24), 0), -ENOMEM);
        kabi::StackT flags{b, 7, 0, kSize};
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&flags, 24), 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_sigaltstack, kBadPtr, 0), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_sigaltstack, 0, kBadPtr), -EFAULT);
        kabi::StackT off{0, SS_DISABLE, 0, 0};
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&off, 24), 0), 0);
        EXPECT_EQ(u.syscall(SYS_sigaltstack, 0, old), 0);
        u.read(old, &prev, sizeof prev);
        EXPECT_EQ(prev.ss_flags, SS_DISABLE);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, AltStackAutodisarm) {
    int status = run_program("sig_autodisarm", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(128);
        constexpr uint64_t kSize = 16 * 1024;
        uint64_t b = static_cast<uint64_t>(u.syscall(SYS_mmap, 0, kSize, PROT_READ | PROT_WRITE,
                                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        kabi::StackT inside{}, saved{};
        uint64_t handler_sp = 0;
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            handler_sp = hu.regs().rsp;
            hu.read(hu.regs().rdx + __builtin_offsetof(kabi::Ucontext, uc_stack), &saved,
                    sizeof saved);
            EXPECT_EQ(hu.syscall(SYS_sigaltstack, 0, scratch), 0);
            hu.read(scratch, &inside, sizeof inside);
        });
        kabi::StackT ss{b, static_cast<int32_t>(1u << 31), 0, kSize};
        EXPECT_EQ(u.syscall(SYS_sigaltstack, u.push(&ss, sizeof ss), 0), 0);
        EXPECT_EQ(set_handler(u, SIGUSR1, h, kSaOnstack), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        EXPECT_GT(handler_sp, b);
        EXPECT_LT(handler_sp, b + kSize);
        EXPECT_EQ(inside.ss_flags, SS_DISABLE);  // Disarmed while the handler runs.
        EXPECT_EQ(saved.ss_flags, static_cast<int32_t>(1u << 31));
        EXPECT_EQ(saved.ss_sp, b);
        // sigreturn re-arms it from uc_stack.
        EXPECT_EQ(u.syscall(SYS_sigaltstack, 0, scratch), 0);
        kabi::StackT after;
        u.read(scratch, &after, sizeof after);
        EXPECT_EQ(after.ss_flags, static_cast<int32_t>(1u << 31));
        EXPECT_EQ(after.ss_size, kSize);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, KillTkillTgkillErrors) {
    int status = run_program("sig_kill_err", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(SYS_kill, 1, 0), 0);  // Probe.
        EXPECT_EQ(u.syscall(SYS_kill, 999, 0), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_kill, 999, SIGTERM), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_kill, 1, 65), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_kill, 1, -1), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_kill, 999, 65), -ESRCH);  // The target is looked up first.
        EXPECT_EQ(u.syscall(SYS_kill, 0, 65), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_tkill, 77, 65), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_kill, 0, 0), 0);      // Own group.
        EXPECT_EQ(u.syscall(SYS_kill, -1, 0), -ESRCH);  // Nobody but init and self.
        EXPECT_EQ(u.syscall(SYS_kill, -42, 0), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_tkill, 0, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_tkill, 1, 0), 0);
        EXPECT_EQ(u.syscall(SYS_tkill, 77, 0), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_tgkill, 0, 1, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, -3, 0), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_tgkill, 2, 1, 0), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, 1, 99), -EINVAL);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, TgkillAndQueuedRealtimeSignals) {
    int status = run_program("sig_rt_queue", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(512);
        int code = 1;
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            kabi::SigInfo si;
            hu.read(hu.regs().rsi, &si, sizeof si);
            code = si.si_code;
        });
        EXPECT_EQ(set_handler(u, SIGUSR1, h, kSaSiginfo), 0);
        EXPECT_EQ(u.syscall(SYS_tgkill, 1, 1, SIGUSR1), 0);
        EXPECT_EQ(code, SI_TKILL);
        // Real-time signals queue with their values; standard ones coalesce.
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(kSigRtmin) | bit(SIGUSR2), scratch), 0);
        for (uint64_t v = 1; v <= 3; ++v) {
            kabi::SigInfo si{};
            si.si_code = SI_QUEUE;
            si.fields.kill.pid = 1;
            si.fields.kill.value = v * 10;
            EXPECT_EQ(u.syscall(SYS_rt_sigqueueinfo, 1, kSigRtmin, u.push(&si, sizeof si)), 0);
            EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR2), 0);
        }
        u.write_u64(scratch, bit(kSigRtmin) | bit(SIGUSR2));
        Ts zero{0, 0};
        uint64_t tz = u.push(&zero, sizeof zero);
        uint64_t info = scratch + 64;
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, info, tz, 8), SIGUSR2);  // Lowest.
        for (uint64_t v = 1; v <= 3; ++v) {
            EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, info, tz, 8), kSigRtmin);
            kabi::SigInfo si;
            u.read(info, &si, sizeof si);
            EXPECT_EQ(si.si_code, SI_QUEUE);
            EXPECT_EQ(si.fields.kill.value, v * 10);
        }
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, info, tz, 8), -EAGAIN);
        // sigqueueinfo errors.
        EXPECT_EQ(u.syscall(SYS_rt_sigqueueinfo, 1, kSigRtmin, kBadPtr), -EFAULT);
        kabi::SigInfo si{};
        si.si_code = SI_QUEUE;
        EXPECT_EQ(u.syscall(SYS_rt_sigqueueinfo, 555, kSigRtmin, u.push(&si, 128)), -ESRCH);
        si.si_code = SI_USER;  // Only for oneself.
        EXPECT_EQ(u.syscall(SYS_rt_sigqueueinfo, 555, kSigRtmin, u.push(&si, 128)), -EPERM);
        // rt_tgsigqueueinfo: to one thread, with the caller's siginfo.
        si.si_code = SI_QUEUE;
        si.fields.kill.value = 99;
        uint64_t usi = u.push(&si, 128);
        EXPECT_EQ(u.syscall(SYS_rt_tgsigqueueinfo, 1, 1, kSigRtmin, usi), 0);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, scratch, info, tz, 8), kSigRtmin);
        u.read(info, &si, sizeof si);
        EXPECT_EQ(si.fields.kill.value, 99u);
        EXPECT_EQ(u.syscall(SYS_rt_tgsigqueueinfo, 1, 2, kSigRtmin, usi), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_rt_tgsigqueueinfo, 0, 1, kSigRtmin, usi), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_rt_tgsigqueueinfo, 1, 1, kSigRtmin, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_rt_tgsigqueueinfo, 1, 1, 65, usi), -EINVAL);
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

TEST(SignalWait, IgnoringDiscardsPending) {
    int status = run_program("sig_ign_discard", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(64);
        EXPECT_EQ(set_mask(u, SIG_BLOCK, bit(SIGTERM), scratch), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGTERM), 0);
        EXPECT_EQ(set_handler(u, SIGTERM, kSigIgn), 0);
        EXPECT_EQ(u.syscall(SYS_rt_sigpending, scratch, 8), 0);
        EXPECT_EQ(u.read_u64(scratch), 0u);
        EXPECT_EQ(set_handler(u, SIGTERM, 0), 0);
        EXPECT_EQ(set_mask(u, SIG_UNBLOCK, bit(SIGTERM), scratch), 0);  // Nothing arrives.
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 0);
}

}  // namespace
