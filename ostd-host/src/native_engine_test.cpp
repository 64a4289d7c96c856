// The native user engine: tiny x86-64 programs (raw machine code written into frames mapped in a
// VmSpace) run in the user window; syscalls, faults, preemption, FS base, residency, TLB flushes.
#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>
#include <ostd/task/task.h>
#include <ostd/user/user_mode.h>

#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "kernel_env.h"
#include "native_cpu.h"
#include "native_window.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;
using ostd::ExceptionKind;
using ostd::PageFlags;
using ostd::ReturnReason;

constexpr uint64_t kCode = 0x400000;
constexpr uint64_t kData = 0x50000000;
constexpr uint64_t kStackTop = 0x70000000;
constexpr uint64_t kSysExit = 231;

using Bytes = std::vector<uint8_t>;

/// A page of `flags` at va holding `bytes` (zero-filled otherwise). Returns its frame.
ostd::Frame map_bytes(ostd::VmSpace& space, uint64_t va, const Bytes& bytes, PageFlags flags) {
    ostd::Frame f = MUST(ostd::Frame::alloc());
    f.fill_zero(0, ostd::kPageSize);
    if (!bytes.empty()) f.copy_from(0, std::as_bytes(std::span(bytes.data(), bytes.size())));
    auto c = MUST(space.cursor_mut({ostd::Vaddr(va), ostd::Vaddr(va + ostd::kPageSize)}));
    MUST(c.map(f, ostd::PageProperty::user(flags)));
    return f;
}

Bytes u64_bytes(uint64_t v) {
    Bytes b(8);
    memcpy(b.data(), &v, 8);
    return b;
}

uint64_t frame_u64(const ostd::Frame& f, size_t off = 0) {
    uint64_t v = 0;
    f.copy_to(off, std::as_writable_bytes(std::span(&v, 1)));
    return v;
}

/// A VmSpace with `code` at kCode (r-x) and a stack page below kStackTop.
ostd::Ref<ostd::VmSpace> program(const Bytes& code) {
    auto space = MUST(ostd::VmSpace::create());
    map_bytes(*space, kCode, code, PageFlags::kRX);
    map_bytes(*space, kStackTop - ostd::kPageSize, {}, PageFlags::kRW);
    return space;
}

ostd::UserContext start() {
    ostd::UserContext ctx;
    ctx.regs().rip = kCode;
    ctx.regs().rsp = kStackTop - 64;
    return ctx;
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}
Bytes mov_eax(uint32_t v) {
    return {0xb8, uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}
const Bytes kSyscall = {0x0f, 0x05};
const Bytes kMovRdiRax = {0x48, 0x89, 0xc7};
const Bytes kExit = cat({kMovRdiRax, mov_eax(kSysExit), kSyscall});  // exit(rax)

TEST(NativeUser, SyscallRoundTripWithArguments) {
    run_in_kernel([] {
        auto space = program(cat({mov_eax(1000),
                                  {0xbf, 1, 0, 0, 0},        // mov edi, 1
                                  {0xbe, 2, 0, 0, 0},        // mov esi, 2
                                  {0xba, 3, 0, 0, 0},        // mov edx, 3
                                  {0x41, 0xba, 4, 0, 0, 0},  // mov r10d, 4
                                  {0x41, 0xb8, 5, 0, 0, 0},  // mov r8d, 5
                                  {0x41, 0xb9, 6, 0, 0, 0},  // mov r9d, 6
                                  kSyscall,
                                  {0x48, 0x83, 0xc0, 0x01},  // add rax, 1
                                  kExit}));
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        auto& ctx = um.context();
        EXPECT_EQ(ctx.syscall_nr(), 1000u);
        for (unsigned i = 0; i < 6; ++i)
            EXPECT_EQ(ctx.syscall_arg(i), i + 1);
        EXPECT_EQ(ctx.regs().rip, kCode + 40);  // Just past the syscall instruction.
        EXPECT_EQ(ctx.regs().rcx, ctx.regs().rip);
        ctx.set_syscall_ret(41);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(ctx.syscall_nr(), kSysExit);
        EXPECT_EQ(ctx.syscall_arg(0), 42u);
    });
}

TEST(NativeUser, RegistersPreservedAcrossSyscall) {
    // syscall(1001); syscall(1002): every register the kernel set in between must arrive.
    run_in_kernel([] {
        auto space = program(cat({mov_eax(1001), kSyscall, mov_eax(1002), kSyscall}));
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        ostd::GeneralRegs& r = um.context().regs();
        ASSERT_EQ(r.rax, 1001u);
        uint64_t* regs[] = {&r.rbx, &r.rdx, &r.rsi, &r.rdi, &r.rbp, &r.r8,
                            &r.r9,  &r.r10, &r.r12, &r.r13, &r.r14, &r.r15};
        uint64_t v = 0x1111111111111111;
        for (uint64_t* p : regs)
            *p = v++;
        r.rsp -= 8;
        const uint64_t rsp = r.rsp;
        r.rflags = 0x202 | 0x1;  // CF set: flags come back too (r11).
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(r.rax, 1002u);
        v = 0x1111111111111111;
        for (uint64_t* p : regs)
            EXPECT_EQ(*p, v++);
        EXPECT_EQ(r.rsp, rsp);
        EXPECT_EQ(r.r11 & 0x1, 0x1u);
    });
}

TEST(NativeUser, PageFaultOnFirstTouchResolvedByMapping) {
    run_in_kernel([] {
        // mov rax, [kData]; exit(rax)
        auto space = program(cat({{0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0x50}, kExit}));
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserException);
        const ostd::CpuException& e = um.context().exception();
        EXPECT_EQ(e.kind, ExceptionKind::kPageFault);
        EXPECT_EQ(e.fault_addr.value(), kData);
        EXPECT_FALSE(e.is_write());
        EXPECT_FALSE(e.is_protection());
        EXPECT_FALSE(e.is_fetch());
        EXPECT_EQ(um.context().regs().rip, kCode);
        map_bytes(*space, kData, u64_bytes(0x1234567890), PageFlags::kRW);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_nr(), kSysExit);
        EXPECT_EQ(um.context().syscall_arg(0), 0x1234567890u);
    });
}

TEST(NativeUser, WriteToReadOnlyPageIsAProtectionFault) {
    run_in_kernel([] {
        // mov dword [kData], 7; exit(rax)
        auto space = program(cat({{0xc7, 0x04, 0x25, 0, 0, 0, 0x50, 7, 0, 0, 0}, kExit}));
        ostd::Frame data = map_bytes(*space, kData, u64_bytes(5), PageFlags::kR);
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserException);
        const ostd::CpuException& e = um.context().exception();
        EXPECT_EQ(e.kind, ExceptionKind::kPageFault);
        EXPECT_EQ(e.fault_addr.value(), kData);
        EXPECT_TRUE(e.is_write());
        EXPECT_TRUE(e.is_protection());
        EXPECT_EQ(frame_u64(data), 5u);
        // The kernel grants write access (protect + TLB flush); the store then succeeds.
        {
            auto c = MUST(space->cursor_mut({ostd::Vaddr(kData), ostd::Vaddr(kData + 4096)}));
            EXPECT_EQ(c.protect(4096, ostd::PageProperty::user(PageFlags::kRW)), 1u);
        }
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(frame_u64(data), 7u);
    });
}

TEST(NativeUser, FetchFromNonExecutablePageFaults) {
    run_in_kernel([] {
        auto space = program({0x90});
        map_bytes(*space, kData, {0x90, 0x90}, PageFlags::kRW);
        ostd::UserContext ctx = start();
        ctx.regs().rip = kData;
        ostd::UserMode um(*space, ctx);
        ASSERT_EQ(um.execute(), ReturnReason::kUserException);
        EXPECT_EQ(um.context().exception().kind, ExceptionKind::kPageFault);
        EXPECT_TRUE(um.context().exception().is_fetch());
        EXPECT_EQ(um.context().exception().fault_addr.value(), kData);
    });
}

TEST(NativeUser, InfiniteLoopIsPreemptedAndResumed) {
    run_in_kernel([] {
        // loop: inc rax; jmp loop
        auto space = program(cat({{0x48, 0xff, 0xc0, 0xeb, 0xfb}}));
        map_bytes(*space, kData, cat({mov_eax(kSysExit), kSyscall}), PageFlags::kRX);
        ostd::UserMode um(*space, start());
        struct Probe {
            int calls = 0;
        } probe;
        // False on entry, true once user code has been interrupted.
        auto event = [](void* p) { return ++static_cast<Probe*>(p)->calls >= 2; };
        uint64_t last = 0;
        for (int round = 0; round < 3; ++round) {
            probe.calls = 0;
            ASSERT_EQ(um.execute(event, &probe), ReturnReason::kKernelEvent);
            EXPECT_GE(probe.calls, 2);
            const uint64_t rip = um.context().regs().rip;
            EXPECT_TRUE(rip == kCode || rip == kCode + 3) << std::hex << rip;
            EXPECT_GT(um.context().regs().rax, last);
            last = um.context().regs().rax;
        }
        um.context().regs().rip = kData;
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_nr(), kSysExit);
    });
}

TEST(NativeUser, FsBaseVisibleToUserCode) {
    run_in_kernel([] {
        // mov rax, fs:[8]; exit(rax)
        auto space = program(cat({{0x64, 0x48, 0x8b, 0x04, 0x25, 8, 0, 0, 0}, kExit}));
        Bytes tls = cat({u64_bytes(1), u64_bytes(0xfeedfacecafe)});
        map_bytes(*space, kData, tls, PageFlags::kRW);
        ostd::UserContext ctx = start();
        ctx.set_tls_pointer(kData);
        ostd::UserMode um(*space, ctx);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_arg(0), 0xfeedfacecafeu);
        EXPECT_EQ(um.context().tls_pointer(), kData);
    });
}

TEST(NativeUser, FsBaseWithArchPrctlFallback) {
    // Without wrfsbase the engine swaps FS with arch_prctl on entry and in the signal prologue.
    setenv("ORRERY_NATIVE_FSGSBASE", "off", 1);
    run_in_kernel([] {
        EXPECT_EQ(ostd::host::native::current_vcpu()->use_fsgsbase, 0u);
        // syscall(1000); exit(fs:[8])
        auto space = program(
            cat({mov_eax(1000), kSyscall, {0x64, 0x48, 0x8b, 0x04, 0x25, 8, 0, 0, 0}, kExit}));
        map_bytes(*space, kData, cat({u64_bytes(1), u64_bytes(0xabcdef)}), PageFlags::kRW);
        ostd::UserContext ctx = start();
        ctx.set_tls_pointer(kData);
        ostd::UserMode um(*space, ctx);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().tls_pointer(), kData);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_arg(0), 0xabcdefu);
    });
    unsetenv("ORRERY_NATIVE_FSGSBASE");
}

TEST(NativeUser, CpuExceptions) {
    run_in_kernel([] {
        struct Case {
            Bytes code;
            ExceptionKind kind;
            uint64_t rip_offset;
        } cases[] = {
            {{0x0f, 0x0b}, ExceptionKind::kInvalidOpcode, 0},            // ud2
            {{0x31, 0xc9, 0xf7, 0xf1}, ExceptionKind::kDivideError, 2},  // div ecx (0)
            {{0xcc}, ExceptionKind::kBreakpoint, 1},                     // int3
            {{0xf4}, ExceptionKind::kGeneralProtection, 0},              // hlt
        };
        for (const Case& c : cases) {
            auto space = program(c.code);
            ostd::UserMode um(*space, start());
            ASSERT_EQ(um.execute(), ReturnReason::kUserException);
            EXPECT_EQ(um.context().exception().kind, c.kind);
            EXPECT_EQ(um.context().regs().rip, kCode + c.rip_offset);
        }
    });
}

// `lock inc qword [kData]` n times (rcx counts down), then exit.
Bytes counting_loop(uint32_t n) {
    return cat({{0xb9, uint8_t(n), uint8_t(n >> 8), uint8_t(n >> 16), uint8_t(n >> 24)},  // mov ecx
                {0xf0, 0x48, 0xff, 0x04, 0x25, 0, 0, 0, 0x50},  // lock inc qword [kData]
                {0xff, 0xc9},                                   // dec ecx
                {0x75, 0xf3},                                   // jnz back
                mov_eax(kSysExit),
                kSyscall});
}

TEST(NativeUser, TwoThreadsOfOneVmSpaceOnTwoCpus) {
    run_in_kernel(
        [] {
            constexpr uint32_t kIters = 2000000;
            auto space = program(counting_loop(kIters));
            ostd::Frame counter = map_bytes(*space, kData, u64_bytes(0), PageFlags::kRW);
            std::atomic<int> exits{0};
            auto body = [&] {
                ostd::UserMode um(*space, start());
                for (;;) {
                    ReturnReason r = um.execute();
                    if (r == ReturnReason::kUserSyscall && um.context().syscall_nr() == kSysExit) {
                        exits.fetch_add(1);
                        return;
                    }
                    ASSERT_NE(r, ReturnReason::kUserException);
                }
            };
            std::vector<ostd::TaskRef> tasks;
            for (uint64_t cpu = 0; cpu < 2; ++cpu)
                tasks.push_back(MUST(ostd::Task::spawn(
                    ostd::TaskOptions::from_void(body).name("thread").affinity(1u << cpu))));
            for (auto& t : tasks)
                MUST(t->join());
            EXPECT_EQ(exits.load(), 2);
            EXPECT_EQ(frame_u64(counter), 2u * kIters);
        },
        small_machine(2));
}

// Reads [kData] and reports it with syscall 1000, forever.
const Bytes kReportLoop = cat({{0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0x50},  // mov rax, [kData]
                               kMovRdiRax,
                               mov_eax(1000),
                               kSyscall,
                               {0xeb, 0xec}});  // jmp start

TEST(NativeUser, TwoVmSpacesAlternateInTheWindow) {
    run_in_kernel([] {
        auto a = program(kReportLoop);
        auto b = program(kReportLoop);
        map_bytes(*a, kData, u64_bytes(0xaaaa), PageFlags::kR);
        map_bytes(*b, kData, u64_bytes(0xbbbb), PageFlags::kR);
        ostd::UserMode ua(*a, start());
        ostd::UserMode ub(*b, start());
        for (int i = 0; i < 5; ++i) {
            ASSERT_EQ(ua.execute(), ReturnReason::kUserSyscall);
            EXPECT_EQ(ua.context().syscall_arg(0), 0xaaaau);
            ASSERT_EQ(ub.execute(), ReturnReason::kUserSyscall);
            EXPECT_EQ(ub.context().syscall_arg(0), 0xbbbbu);
        }
    });
}

TEST(NativeUser, TwoVmSpacesOnTwoCpusTakeTurns) {
    run_in_kernel(
        [] {
            constexpr uint32_t kIters = 300000;
            auto a = program(counting_loop(kIters));
            auto b = program(counting_loop(kIters));
            ostd::Frame ca = map_bytes(*a, kData, u64_bytes(0), PageFlags::kRW);
            ostd::Frame cb = map_bytes(*b, kData, u64_bytes(100), PageFlags::kRW);
            auto run = [](ostd::VmSpace* space) {
                ostd::UserMode um(*space, start());
                for (int i = 0; i < 3; ++i) {
                    um.context().regs().rip = kCode;
                    ReturnReason r;
                    while ((r = um.execute()) != ReturnReason::kUserSyscall) {
                        ASSERT_NE(r, ReturnReason::kUserException);
                    }
                }
            };
            auto ta = MUST(
                ostd::Task::spawn(ostd::TaskOptions::from_void([&] { run(a.ptr()); }).affinity(1)));
            auto tb = MUST(
                ostd::Task::spawn(ostd::TaskOptions::from_void([&] { run(b.ptr()); }).affinity(2)));
            MUST(ta->join());
            MUST(tb->join());
            EXPECT_EQ(frame_u64(ca), 3u * kIters);
            EXPECT_EQ(frame_u64(cb), 100u + 3u * kIters);
        },
        small_machine(2));
}

TEST(NativeUser, UnmapAndRemapIsSeenAfterTlbFlush) {
    run_in_kernel([] {
        auto space = program(kReportLoop);
        map_bytes(*space, kData, u64_bytes(1), PageFlags::kR);
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_arg(0), 1u);
        EXPECT_GT(ostd::host::native::resident_pages(), 0u);
        {
            auto c = MUST(space->cursor_mut({ostd::Vaddr(kData), ostd::Vaddr(kData + 4096)}));
            EXPECT_EQ(c.unmap(4096), 1u);
        }
        map_bytes(*space, kData, u64_bytes(2), PageFlags::kR);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_arg(0), 2u);
        {
            auto c = MUST(space->cursor_mut({ostd::Vaddr(kData), ostd::Vaddr(kData + 4096)}));
            EXPECT_EQ(c.unmap(4096), 1u);
        }
        ASSERT_EQ(um.execute(), ReturnReason::kUserException);
        EXPECT_EQ(um.context().exception().fault_addr.value(), kData);
    });
}

}  // namespace

namespace {

TEST(NativeUser, PendingKernelEventStopsBeforeEntry) {
    run_in_kernel([] {
        // Would store to kData if it ran; it must not run at all.
        auto space = program(cat({{0xc7, 0x04, 0x25, 0, 0, 0, 0x50, 7, 0, 0, 0}, kExit}));
        ostd::Frame data = map_bytes(*space, kData, u64_bytes(5), PageFlags::kRW);
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute([](void*) { return true; }, nullptr), ReturnReason::kKernelEvent);
        EXPECT_EQ(um.context().regs().rip, kCode);
        EXPECT_EQ(frame_u64(data), 5u);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(frame_u64(data), 7u);
    });
}

TEST(NativeUser, StackAndFpuStateSurviveSyscalls) {
    run_in_kernel([] {
        // xmm0 = 0x77 and a pushed 0x55 before syscall(1000); both read back after it. The
        // kernel side runs C++ with its own FPU state in between.
        auto space = program(cat({{0x48, 0xc7, 0xc0, 0x77, 0, 0, 0},  // mov rax, 0x77
                                  {0x66, 0x48, 0x0f, 0x6e, 0xc0},     // movq xmm0, rax
                                  {0x6a, 0x55},                       // push 0x55
                                  mov_eax(1000),
                                  kSyscall,
                                  {0x66, 0x48, 0x0f, 0x7e, 0xc7},  // movq rdi, xmm0
                                  {0x5e},                          // pop rsi
                                  mov_eax(kSysExit),
                                  kSyscall}));
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().regs().rsp, kStackTop - 72);
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().syscall_nr(), kSysExit);
        EXPECT_EQ(um.context().regs().rdi, 0x77u);
        EXPECT_EQ(um.context().regs().rsi, 0x55u);
    });
}

TEST(NativeUser, JumpsOutOfTheWindowAreUserFaults) {
    run_in_kernel([] {
        struct Case {
            Bytes code;
            uint64_t target;
        } cases[] = {
            {{0x31, 0xc0, 0xff, 0xd0}, 0},                             // xor eax,eax; call rax
            {{0xb8, 0x00, 0x10, 0xff, 0x7f, 0xff, 0xe0}, 0x7fff1000},  // jmp above window
        };
        for (const Case& c : cases) {
            auto space = program(c.code);
            ostd::UserMode um(*space, start());
            ASSERT_EQ(um.execute(), ReturnReason::kUserException);
            const ostd::CpuException& e = um.context().exception();
            EXPECT_EQ(e.kind, ExceptionKind::kPageFault);
            EXPECT_TRUE(e.is_fetch());
            EXPECT_FALSE(e.is_protection());
            EXPECT_EQ(e.fault_addr.value(), c.target);
            EXPECT_EQ(um.context().regs().rip, c.target);
        }
        // The vCPU is still healthy: a normal program runs afterwards.
        auto space = program(cat({mov_eax(1000), kSyscall}));
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
    });
}

TEST(NativeUser, ManyMachinesInOneProcessReleaseTheWindow) {
    for (int i = 0; i < 4; ++i) {
        int status = run_in_kernel(
            [i] {
                EXPECT_TRUE(ostd::host::native::window_active());
                auto space = program(cat({mov_eax(1000 + i), kSyscall}));
                ostd::UserMode um(*space, start());
                ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
                EXPECT_EQ(um.context().syscall_nr(), 1000u + i);
            },
            small_machine(1 + i % 2));
        EXPECT_EQ(status, 0);
        // Between machines the host is as before: no window, no handlers of ours.
        EXPECT_FALSE(ostd::host::native::window_active());
        struct sigaction sa {};
        sigaction(SIGSYS, nullptr, &sa);
        EXPECT_EQ(sa.sa_handler, SIG_DFL);
    }
}

TEST(NativeUser, BothSyscallTrapsWork) {
    // The engine defaults to Syscall User Dispatch; the seccomp filter is the other trap.
    for (const char* mode : {"seccomp", "sud"}) {
        setenv("ORRERY_NATIVE_TRAP", mode, 1);
        run_in_kernel([mode] {
            using ostd::host::native::TrapMode;
            EXPECT_EQ(ostd::host::native::trap_mode(),
                      strcmp(mode, "seccomp") == 0 ? TrapMode::kSeccomp : TrapMode::kUserDispatch);
            // 3 round trips, then exit with the sum of the results.
            auto space = program(cat({mov_eax(1000),
                                      kSyscall,
                                      {0x48, 0x89, 0xc3},  // mov rbx, rax
                                      mov_eax(1000),
                                      kSyscall,
                                      {0x48, 0x01, 0xc3},  // add rbx, rax
                                      {0x48, 0x89, 0xd8},  // mov rax, rbx
                                      kExit}));
            ostd::UserMode um(*space, start());
            for (uint64_t ret : {20, 22}) {
                ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
                EXPECT_EQ(um.context().syscall_nr(), 1000u);
                um.context().set_syscall_ret(ret);
            }
            ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
            EXPECT_EQ(um.context().syscall_arg(0), 42u);
        });
        unsetenv("ORRERY_NATIVE_TRAP");
    }
}

TEST(NativeUserDeathTest, HostCrashOutsideTheWindowStillReports) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(run_in_kernel([] {
                     auto space = program(cat({mov_eax(1000), kSyscall}));
                     ostd::UserMode um(*space, start());
                     (void)um.execute();  // Handlers installed and user code has run.
                     *reinterpret_cast<volatile int*>(uintptr_t{0x10}) = 1;
                 }),
                 "SEGV");
}

}  // namespace
