// The signal frame's FPU area through the real kernel with scripted programs (which have no FPU
// state): fpstate stays 0, and an fpstate pointer forged by the handler is refused by
// rt_sigreturn with SIGSEGV, as Linux does for a bad frame. (The native path, a handler whose
// vector registers must not leak, is tests/native_programs/sigfpu.c.)
#include <signal.h>

#include <gtest/gtest.h>

#include "kernel/signal/signal_test_util.inc"
#include "run_program.h"

namespace {

using namespace sigtest;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr uint64_t kFpstateOffset = 40 + 184;  // uc_mcontext + sigcontext.fpstate

TEST(SignalFpuFrame, ForgedFpstateIsASegfault) {
    int status = run_program("sig_fpstate", [](ScriptedUser& u) {
        uint64_t scratch = u.stack_alloc(4096);
        uint64_t h = u.code_address([&](ScriptedUser& hu) {
            uint64_t uc = hu.regs().rdx;
            EXPECT_EQ(hu.read_u64(uc + kFpstateOffset), 0u);  // No FPU state to save.
            hu.write_u64(uc + kFpstateOffset, scratch);
        });
        EXPECT_EQ(set_handler(u, SIGUSR1, h, 0, 0), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        ADD_FAILURE() << "sigreturn with a forged fpstate returned";
        return 0;
    }, kernel_machine());
    EXPECT_EQ(status, 128 + SIGSEGV);
}

TEST(SignalFpuFrame, ZeroFpstateReturnsNormally) {
    int status = run_program("sig_fpstate0", [](ScriptedUser& u) {
        int calls = 0;
        uint64_t h = u.code_address([&](ScriptedUser&) { ++calls; });
        EXPECT_EQ(set_handler(u, SIGUSR1, h, 0, 0), 0);
        EXPECT_EQ(u.syscall(SYS_kill, 1, SIGUSR1), 0);
        EXPECT_EQ(calls, 1);
        return 5;
    }, kernel_machine());
    EXPECT_EQ(status, 5);
}

}  // namespace
