// The native engine's per-context state beyond the general registers: the FPU/SSE/AVX registers
// travel in the UserContext (a copied context — fork — sees them; two programs switching on one
// vCPU keep theirs) and the GS base is loaded and read back like the FS base.
#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>
#include <ostd/user/user_mode.h>

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/auxv.h>

#include <cstring>
#include <initializer_list>
#include <vector>

#include "kernel_env.h"
#include "native_cpu.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;
using ostd::PageFlags;
using ostd::ReturnReason;

constexpr uint64_t kCode = 0x400000;
constexpr uint64_t kData = 0x50000000;
constexpr uint64_t kStackTop = 0x70000000;
constexpr uint64_t kSysExit = 231;

using Bytes = std::vector<uint8_t>;

void map_bytes(ostd::VmSpace& space, uint64_t va, const Bytes& bytes, PageFlags flags) {
    ostd::Frame f = MUST(ostd::Frame::alloc());
    f.fill_zero(0, ostd::kPageSize);
    if (!bytes.empty()) f.copy_from(0, std::as_bytes(std::span(bytes.data(), bytes.size())));
    auto c = MUST(space.cursor_mut({ostd::Vaddr(va), ostd::Vaddr(va + ostd::kPageSize)}));
    MUST(c.map(f, ostd::PageProperty::user(flags)));
}

Bytes u64_bytes(uint64_t v) {
    Bytes b(8);
    memcpy(b.data(), &v, 8);
    return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes mov_eax(uint32_t v) {
    return {0xb8, uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}
const Bytes kSyscall = {0x0f, 0x05};

/// Code at kCode, a stack, and `data` (8 bytes) at kData.
ostd::Ref<ostd::VmSpace> program(const Bytes& code, uint64_t data) {
    auto space = MUST(ostd::VmSpace::create());
    map_bytes(*space, kCode, code, PageFlags::kRX);
    map_bytes(*space, kStackTop - ostd::kPageSize, {}, PageFlags::kRW);
    map_bytes(*space, kData, cat({u64_bytes(data), u64_bytes(data + 1)}), PageFlags::kRW);
    return space;
}

ostd::UserContext start() {
    ostd::UserContext ctx;
    ctx.regs().rip = kCode;
    ctx.regs().rsp = kStackTop - 64;
    return ctx;
}

bool host_has_avx2() { return __builtin_cpu_supports("avx2"); }

// rax = [kData]; xmm0 = rax; ymm1 = rax x4 (AVX2); xmm15 = rax; syscall(1000);
// exit with rdi = xmm0, rsi = xmm15, rdx = ymm1's upper half.
const Bytes kVectorProgram = cat({
    {0xbb, 0, 0, 0, 0x50},              // mov ebx, kData
    {0x48, 0x8b, 0x03},                 // mov rax, [rbx]
    {0x66, 0x48, 0x0f, 0x6e, 0xc0},     // movq xmm0, rax
    {0xc4, 0xe2, 0x7d, 0x59, 0xc8},     // vpbroadcastq ymm1, xmm0
    {0x66, 0x4c, 0x0f, 0x6e, 0xf8},     // movq xmm15, rax
    mov_eax(1000),
    kSyscall,
    {0x66, 0x48, 0x0f, 0x7e, 0xc7},        // movq rdi, xmm0
    {0x66, 0x4c, 0x0f, 0x7e, 0xfe},        // movq rsi, xmm15
    {0xc4, 0xe3, 0x7d, 0x39, 0xca, 0x01},  // vextracti128 xmm2, ymm1, 1
    {0x66, 0x48, 0x0f, 0x7e, 0xd2},        // movq rdx, xmm2
    mov_eax(kSysExit),
    kSyscall,
});

void expect_vectors(const ostd::UserContext& ctx, uint64_t v) {
    EXPECT_EQ(ctx.syscall_nr(), kSysExit);
    EXPECT_EQ(ctx.regs().rdi, v);
    EXPECT_EQ(ctx.regs().rsi, v);
    EXPECT_EQ(ctx.regs().rdx, v);
}

TEST(NativeState, CopiedContextCarriesTheFpuState) {
    if (!host_has_avx2()) GTEST_SKIP() << "host has no AVX2";
    run_in_kernel([] {
        auto space = program(kVectorProgram, 0x1234abcd5678);
        ostd::UserMode parent(*space, start());
        ASSERT_EQ(parent.execute(), ReturnReason::kUserSyscall);
        EXPECT_FALSE(parent.context().fpu().is_empty());
        // fork: the child starts from a copy of the parent's context.
        ostd::UserContext copy = parent.context();
        copy.set_syscall_ret(0);
        ostd::UserMode child(*space, copy);
        ASSERT_EQ(child.execute(), ReturnReason::kUserSyscall);
        expect_vectors(child.context(), 0x1234abcd5678);
        ASSERT_EQ(parent.execute(), ReturnReason::kUserSyscall);
        expect_vectors(parent.context(), 0x1234abcd5678);
    });
}

TEST(NativeState, EmptyFpuStateIsACleanFpu) {
    if (!host_has_avx2()) GTEST_SKIP() << "host has no AVX2";
    run_in_kernel([] {
        auto space = program(kVectorProgram, 0x42);
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        um.context().fpu().clear();  // What exec does.
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        expect_vectors(um.context(), 0);
    });
}

TEST(NativeState, TwoProgramsSwitchingKeepTheirVectorRegisters) {
    if (!host_has_avx2()) GTEST_SKIP() << "host has no AVX2";
    for (unsigned cpus : {1u, 2u}) {
        run_in_kernel(
            [] {
                auto a = program(kVectorProgram, 0xaaaa0000aaaa);
                auto b = program(kVectorProgram, 0xbbbb0000bbbb);
                ostd::UserMode ua(*a, start());
                ostd::UserMode ub(*b, start());
                ASSERT_EQ(ua.execute(), ReturnReason::kUserSyscall);
                ASSERT_EQ(ub.execute(), ReturnReason::kUserSyscall);
                ASSERT_EQ(ua.execute(), ReturnReason::kUserSyscall);
                expect_vectors(ua.context(), 0xaaaa0000aaaa);
                ASSERT_EQ(ub.execute(), ReturnReason::kUserSyscall);
                expect_vectors(ub.context(), 0xbbbb0000bbbb);
            },
            small_machine(cpus));
    }
}

// exit(gs:[8]) after a syscall, so the GS base survives a trip through the kernel.
const Bytes kGsProgram = cat({mov_eax(1000), kSyscall,
                              {0x65, 0x48, 0x8b, 0x04, 0x25, 8, 0, 0, 0},  // mov rax, gs:[8]
                              {0x48, 0x89, 0xc7},                          // mov rdi, rax
                              mov_eax(kSysExit), kSyscall});

void run_gs_program() {
    auto space = program(kGsProgram, 0x600d);
    ostd::UserContext ctx = start();
    ctx.regs().gs_base = kData;
    ostd::UserMode um(*space, ctx);
    ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
    EXPECT_EQ(um.context().regs().gs_base, kData);
    // Another context with GS 0 runs in between on this vCPU.
    auto other = program(kGsProgram, 0);
    ostd::UserMode uo(*other, start());
    ASSERT_EQ(uo.execute(), ReturnReason::kUserSyscall);
    ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
    EXPECT_EQ(um.context().regs().rdi, 0x600eu);
}

TEST(NativeState, GsBaseIsLoadedForUserCode) {
    run_in_kernel([] { run_gs_program(); });
}

TEST(NativeState, GsBaseWithArchPrctlFallback) {
    setenv("ORRERY_NATIVE_FSGSBASE", "off", 1);
    run_in_kernel([] {
        EXPECT_EQ(ostd::host::native::current_vcpu()->use_fsgsbase, 0u);
        run_gs_program();
    });
    unsetenv("ORRERY_NATIVE_FSGSBASE");
}

TEST(NativeState, WrgsbaseByUserCodeIsSeenByTheKernel) {
    if (!(getauxval(AT_HWCAP2) & 2)) GTEST_SKIP() << "no FSGSBASE for user code";
    run_in_kernel([] {
        // mov rax, kData + 0x100; wrgsbase rax; syscall(1000)
        auto space = program(cat({{0xb8, 0x00, 0x01, 0x00, 0x50},  // mov eax, kData + 0x100
                                  {0xf3, 0x48, 0x0f, 0xae, 0xd8},  // wrgsbase rax
                                  mov_eax(1000), kSyscall}),
                             0);
        ostd::UserMode um(*space, start());
        ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(um.context().regs().gs_base, kData + 0x100);
    });
}

}  // namespace
