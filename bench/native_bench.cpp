// Native user engine benchmarks: a getpid round trip (user syscall -> SIGSYS -> kernel ->
// rt_sigreturn back into user code) under seccomp and under Syscall User Dispatch, against the
// raw cost of one SIGSYS trap on the host (a seccomp-trapped syscall whose handler returns).
#include <benchmark/benchmark.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <thread>

#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>
#include <ostd/user/user_mode.h>

#include "kernel_env.h"

namespace {

constexpr uint64_t kCode = 0x400000;

// loop: mov eax, 39 (getpid); syscall; jmp loop
const uint8_t kGetpidLoop[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7};

void native_round_trip(benchmark::State& state, const char* mode) {
    setenv("ORRERY_NATIVE_TRAP", mode, 1);
    orrery::testing::run_in_kernel(
        [&] {
            auto space = MUST(ostd::VmSpace::create());
            ostd::Frame code = MUST(ostd::Frame::alloc());
            code.copy_from(0, std::as_bytes(std::span(kGetpidLoop)));
            auto c = MUST(space->cursor_mut({ostd::Vaddr(kCode), ostd::Vaddr(kCode + 4096)}));
            MUST(c.map(code, ostd::PageProperty::user(ostd::PageFlags::kRX)));
            ostd::UserContext ctx;
            ctx.regs().rip = kCode;
            ostd::UserMode um(*space, ctx);
            if (um.execute() != ostd::ReturnReason::kUserSyscall) {
                state.SkipWithError("native engine unavailable");
                return;
            }
            for (auto _ : state) {
                um.context().set_syscall_ret(1);
                if (um.execute() != ostd::ReturnReason::kUserSyscall) {
                    state.SkipWithError("unexpected exit from user code");
                    break;
                }
            }
        },
        orrery::testing::small_machine());
    unsetenv("ORRERY_NATIVE_TRAP");
}

void BM_NativeGetpidSeccomp(benchmark::State& state) {
    native_round_trip(state, "seccomp");
}
BENCHMARK(BM_NativeGetpidSeccomp);

void BM_NativeGetpidUserDispatch(benchmark::State& state) {
    native_round_trip(state, "sud");
}
BENCHMARK(BM_NativeGetpidUserDispatch);

void on_sigsys(int, siginfo_t*, void* ucv) {
    static_cast<ucontext_t*>(ucv)->uc_mcontext.gregs[REG_RAX] = 0;
}

// The floor: one seccomp SECCOMP_RET_TRAP plus a handler that returns, on a thread of its own
// (the filter cannot be removed; it dies with the thread).
void BM_HostSigsysTrapRaw(benchmark::State& state) {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    struct sigaction old {};
    sigaction(SIGSYS, &sa, &old);
    std::thread t([&] {
        sock_filter prog[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        sock_fprog fprog{4, prog};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
            state.SkipWithError("seccomp unavailable");
            return;
        }
        for (auto _ : state)
            benchmark::DoNotOptimize(syscall(SYS_getppid));
    });
    t.join();
    sigaction(SIGSYS, &old, nullptr);
}
BENCHMARK(BM_HostSigsysTrapRaw);

void BM_HostGetpid(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(syscall(SYS_getpid));
}
BENCHMARK(BM_HostGetpid);

}  // namespace
