// Native user engine, per-vCPU trap state: alternate signal stacks with a VcpuHeader, the raw
// signal handlers (installed with rt_sigaction directly so sanitizer runtimes neither wrap nor
// defer them), the seccomp / syscall-user-dispatch syscall trap and the preemption watchdog.
#include "native_cpu.h"

#include <asm/prctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <ostd/common/log.h>
#include <ostd/mm/vm_space.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#endif

// Code that runs inside a signal handler on the user's behalf must not be instrumented: it runs
// on the alternate stack, outside anything the sanitizer runtimes know about.
#if defined(__clang__)
#define ORRERY_SIGNAL_PATH __attribute__((disable_sanitizer_instrumentation))
#else
#define ORRERY_SIGNAL_PATH __attribute__((no_sanitize("address", "thread", "undefined")))
#endif

namespace ostd::host::native {
namespace {

// The kernel's struct sigaction for rt_sigaction(2).
struct KernelSigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    uint64_t mask;
};
constexpr unsigned long kSaRestorer = 0x04000000;

constexpr int kHandledSignals[] = {SIGSYS, SIGSEGV, SIGBUS,        SIGILL,
                                   SIGFPE, SIGTRAP, kPreemptSignal};
constexpr uint64_t kWatchdogPeriodMs = 4;
constexpr uint64_t kMaxWatchdogPeriodMs = 64;

}  // namespace

KernelSigaction g_previous[65];

namespace {
bool g_installed = false;
TrapMode g_trap_mode = TrapMode::kSeccomp;

struct Watchdog {
    std::mutex mu;
    std::condition_variable cv;
    std::thread thread;
    bool running = false;
    std::vector<VcpuHeader*> vcpus;
};
Watchdog g_watchdog;

thread_local VcpuHeader* t_vcpu = nullptr;

}  // namespace

int raw_sigaction(int sig, const KernelSigaction* act, KernelSigaction* old) {
    return static_cast<int>(syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t)));
}

namespace {

void watchdog_main() {
    std::vector<std::pair<VcpuHeader*, uint64_t>> seen;
    std::unique_lock<std::mutex> lk(g_watchdog.mu);
    const pid_t pid = getpid();
    uint64_t period_ms = kWatchdogPeriodMs;
    while (g_watchdog.running) {
        g_watchdog.cv.wait_for(lk, std::chrono::milliseconds(period_ms));
        if (!g_watchdog.running) break;
        std::vector<std::pair<VcpuHeader*, uint64_t>> now;
        bool user_activity = false;
        for (VcpuHeader* h : g_watchdog.vcpus) {
            uint64_t entries = h->entries.load(std::memory_order_acquire);
            bool in_user = h->in_user.load(std::memory_order_acquire) != 0;
            for (auto& [old_h, old_entries] : seen) {
                if (old_h != h) continue;
                // Still in the same user-mode stint as one period ago: interrupt it.
                if (old_entries == entries && in_user)
                    syscall(SYS_tgkill, pid, h->tid, kPreemptSignal);
                if (old_entries != entries) user_activity = true;
            }
            user_activity |= in_user;
            now.emplace_back(h, entries);
        }
        seen.swap(now);
        // No native user code lately (a scripted or kernel-only machine): back off, so the
        // watchdog costs nothing; the first busy stint is still cut within kMaxWatchdogPeriodMs.
        period_ms =
            user_activity ? kWatchdogPeriodMs : std::min(period_ms * 2, kMaxWatchdogPeriodMs);
    }
}

bool install_seccomp_filter() {
    // Trap every syscall whose instruction pointer lies in [kUserStart, kUserEnd), whatever its
    // ABI (int 0x80 from the window is trapped too); allow the rest.
    const uint32_t lo = static_cast<uint32_t>(kUserStart.value());
    const uint32_t hi = static_cast<uint32_t>(kUserEnd.value());
    sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, instruction_pointer) + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, instruction_pointer)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, hi, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    };
    sock_fprog fprog{static_cast<unsigned short>(sizeof(prog) / sizeof(prog[0])), prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
    // No TSYNC: the filter applies to this vCPU thread only and dies with it.
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0;
}

bool install_user_dispatch() {
    // Syscalls from everywhere but the window are allowed; nothing host lives below kUserStart.
    const uint64_t start = kUserEnd.value();
    return prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, start, ~uint64_t{0} - start,
                 0) == 0;
}

}  // namespace

TrapMode trap_mode() {
    return g_trap_mode;
}

bool signals_start() {
    if (g_installed) return true;
    const char* mode = getenv("ORRERY_NATIVE_TRAP");
    g_trap_mode =
        (mode && strcmp(mode, "seccomp") == 0) ? TrapMode::kSeccomp : TrapMode::kUserDispatch;
    KernelSigaction act{};
    act.handler = reinterpret_cast<void*>(&orrery_native_signal);
    // SA_NODEFER and an empty mask: leaving a handler through orrery_native_resume_host() must
    // not leave anything blocked. SA_RESTART: a preemption tick in host code is invisible.
    act.flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART | kSaRestorer;
    act.restorer = reinterpret_cast<void*>(&orrery_native_restorer);
    act.mask = 0;
    for (int sig : kHandledSignals) {
        if (raw_sigaction(sig, &act, &g_previous[sig]) != 0) {
            ORRERY_LOG_WARN("native: rt_sigaction(%d) failed", sig);
            for (int s : kHandledSignals) {
                if (s == sig) break;
                raw_sigaction(s, &g_previous[s], nullptr);
            }
            return false;
        }
    }
    g_installed = true;
    std::lock_guard<std::mutex> lk(g_watchdog.mu);
    g_watchdog.running = true;
    g_watchdog.thread = std::thread(watchdog_main);
    return true;
}

void signals_stop() {
    if (!g_installed) return;
    {
        std::lock_guard<std::mutex> lk(g_watchdog.mu);
        g_watchdog.running = false;
        g_watchdog.cv.notify_all();
    }
    g_watchdog.thread.join();
    for (int sig : kHandledSignals)
        raw_sigaction(sig, &g_previous[sig], nullptr);
    g_installed = false;
}

__attribute__((noinline)) VcpuHeader* current_vcpu() {
    return t_vcpu;
}

void load_user_gs(VcpuHeader& h, uint64_t gs) {
    if (h.use_fsgsbase) {
        // User code may have changed it behind our back (wrgsbase): always load.
        asm volatile("wrgsbase %0" ::"r"(gs) : "memory");
    } else if (gs != h.loaded_gs) {
        syscall(SYS_arch_prctl, ARCH_SET_GS, gs);
    }
    h.loaded_gs = gs;
}

void vcpu_start() {
    if (!g_installed) return;
    // Map twice the size and keep an aligned kAltStackSize: the prologue masks rsp to find us.
    size_t len = 2 * kAltStackSize;
    void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return;
    auto base = reinterpret_cast<uintptr_t>(m);
    uintptr_t aligned = (base + kAltStackSize - 1) & ~(kAltStackSize - 1);
    if (aligned > base) munmap(m, aligned - base);
    uintptr_t end = aligned + kAltStackSize;
    if (base + len > end) munmap(reinterpret_cast<void*>(end), base + len - end);

    auto* h = new (reinterpret_cast<void*>(aligned)) VcpuHeader{};
    // ORRERY_NATIVE_FSGSBASE=off forces the arch_prctl fallback (for tests).
    const char* fsgs = getenv("ORRERY_NATIVE_FSGSBASE");
    h->use_fsgsbase = (getauxval(AT_HWCAP2) & 2 /* HWCAP2_FSGSBASE */) ? 1 : 0;
    if (fsgs && strcmp(fsgs, "off") == 0) h->use_fsgsbase = 0;
    unsigned long fs = 0, gs = 0;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
    syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
    h->host_fs = fs;
    h->host_gs = h->loaded_gs = gs;
    h->tid = static_cast<int>(gettid());
    h->cs = static_cast<uint16_t>(orrery_native_read_cs());
    h->ss = static_cast<uint16_t>(orrery_native_read_ss());
    h->altstack.ss_sp = reinterpret_cast<void*>(aligned + 4096);
    h->altstack.ss_size = kAltStackSize - 4096;
    h->altstack.ss_flags = 0;
    if (sigaltstack(&h->altstack, &h->previous_altstack) != 0) {
        munmap(reinterpret_cast<void*>(aligned), kAltStackSize);
        return;
    }
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    for (int sig : kHandledSignals)
        sigdelset(&mask, sig);
    pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    memcpy(&h->user_sigmask, &mask, sizeof(h->user_sigmask));

    bool trapped =
        g_trap_mode == TrapMode::kUserDispatch ? install_user_dispatch() : install_seccomp_filter();
    if (!trapped && g_trap_mode == TrapMode::kUserDispatch) {
        g_trap_mode = TrapMode::kSeccomp;  // Older host kernel: fall back.
        trapped = install_seccomp_filter();
    }
    if (!trapped) {
        ORRERY_LOG_WARN("native: cannot trap syscalls (errno %d); native user code disabled",
                        errno);
        sigaltstack(&h->previous_altstack, nullptr);
        munmap(reinterpret_cast<void*>(aligned), kAltStackSize);
        return;
    }
    t_vcpu = h;
    std::lock_guard<std::mutex> lk(g_watchdog.mu);
    g_watchdog.vcpus.push_back(h);
}

void vcpu_stop() {
    VcpuHeader* h = t_vcpu;
    if (!h) return;
    {
        std::lock_guard<std::mutex> lk(g_watchdog.mu);
        auto& v = g_watchdog.vcpus;
        for (size_t i = 0; i < v.size(); ++i)
            if (v[i] == h) {
                v.erase(v.begin() + static_cast<ptrdiff_t>(i));
                break;
            }
    }
    if (g_trap_mode == TrapMode::kUserDispatch)
        prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
    load_user_gs(*h, h->host_gs);
    // Give the sanitizer runtime its own alternate stack back (it unmaps it at thread exit).
    sigaltstack(&h->previous_altstack, nullptr);
    t_vcpu = nullptr;
    h->~VcpuHeader();
    munmap(h, kAltStackSize);
}

}  // namespace ostd::host::native

using ostd::host::native::g_previous;
using ostd::host::native::KernelSigaction;

/// A handled signal that did not interrupt user code: ignore the preemption tick (the vCPU is
/// already in the kernel), hand anything else to whoever had the signal before (the sanitizer's
/// deadly-signal handler, or the default action) so host crashes still report and die.
extern "C" ORRERY_SIGNAL_PATH void orrery_native_signal_host(int sig, siginfo_t* info, void* uc) {
    if (sig == ostd::host::native::kPreemptSignal) return;
    const KernelSigaction& old = g_previous[sig];
    if (old.handler == nullptr || old.handler == reinterpret_cast<void*>(1)) {  // DFL, IGN
        // Re-run the faulting instruction with the default action: the process dies as before.
        KernelSigaction dfl{};
        dfl.handler = nullptr;  // SIG_DFL
        ostd::host::native::raw_sigaction(sig, &dfl, nullptr);
        if (sig == SIGTRAP || sig == SIGSYS) raise(sig);
        return;
    }
    if (old.flags & SA_SIGINFO)
        reinterpret_cast<void (*)(int, siginfo_t*, void*)>(old.handler)(sig, info, uc);
    else
        reinterpret_cast<void (*)(int)>(old.handler)(sig);
}
