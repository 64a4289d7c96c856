// UserMode with the scripted engine: syscalls, page faults resolved by the "kernel", nested
// signal-handler activations, syscall restart, fork continuations, and fetch faults.
#include <ostd-host/scripted.h>
#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>
#include <ostd/task/task.h>
#include <ostd/user/user_mode.h>

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "kernel_env.h"

namespace {

using ostd::ReturnReason;
using ostd::host::ScriptedUser;
using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

constexpr uint64_t kStackTop = 0x70000000;

ostd::Ref<ostd::VmSpace> space_with_stack() {
    auto space = ostd::VmSpace::create().release_value();
    ostd::VaRange r{ostd::Vaddr(kStackTop - 4 * ostd::kPageSize), ostd::Vaddr(kStackTop)};
    auto c = space->cursor_mut(r).release_value();
    for (int i = 0; i < 4; ++i)
        MUST(c.map(MUST(ostd::Frame::alloc()), ostd::PageProperty::user(ostd::PageFlags::kRW)));
    return space;
}

ostd::UserContext start_context(const char* program) {
    ostd::UserContext ctx;
    ctx.regs().rip = MUST(ostd::scripted_program_entry(program)).value();
    ctx.regs().rsp = kStackTop - 64;
    return ctx;
}

void map_page_at(ostd::VmSpace& space, uint64_t va) {
    ostd::Vaddr page = ostd::Vaddr(va).page_down();
    auto c = space.cursor_mut({page, page + ostd::kPageSize}).release_value();
    MUST(c.map(MUST(ostd::Frame::alloc()), ostd::PageProperty::user(ostd::PageFlags::kRW)));
}

TEST(ScriptedUser, SyscallsFaultsAndExit) {
    ostd::host::register_scripted_program("basic", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(1000, 1, 2, 3, 4, 5, 6), 42);
        uint64_t s = u.push_string("hello");
        EXPECT_EQ(u.read_string(s), "hello");
        // Demand paging: the kernel maps this page on the first touch.
        u.write_u64(0x50000008, 0xfeedface);
        EXPECT_EQ(u.read_u64(0x50000008), 0xfeedfaceu);
        return 7;
    });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserMode um(*space, start_context("basic"));
        int faults = 0;
        for (;;) {
            ReturnReason r = um.execute();
            auto& ctx = um.context();
            if (r == ReturnReason::kUserException) {
                ASSERT_EQ(ctx.exception().kind, ostd::ExceptionKind::kPageFault);
                EXPECT_EQ(ctx.exception().fault_addr.value(), 0x50000008u);
                EXPECT_TRUE(ctx.exception().is_write());
                EXPECT_FALSE(ctx.exception().is_protection());
                map_page_at(*space, 0x50000008);
                ++faults;
                continue;
            }
            ASSERT_EQ(r, ReturnReason::kUserSyscall);
            if (ctx.syscall_nr() == 231) {
                EXPECT_EQ(ctx.syscall_arg(0), 7u);
                break;
            }
            ASSERT_EQ(ctx.syscall_nr(), 1000u);
            for (unsigned i = 0; i < 6; ++i) EXPECT_EQ(ctx.syscall_arg(i), i + 1);
            ctx.set_syscall_ret(42);
        }
        EXPECT_EQ(faults, 1);
    }, small_machine());
}

TEST(ScriptedUser, SignalHandlerRunsNestedAndSigreturnResumes) {
    static std::atomic<int> handled{0};
    ostd::host::register_scripted_program("sig", [](ScriptedUser& u) {
        uint64_t handler = u.code_address([](ScriptedUser& h) {
            EXPECT_EQ(h.regs().rdi, 10u);  // signal number
            EXPECT_EQ(h.syscall(2001), 0);
            handled++;
        });
        EXPECT_EQ(u.syscall(2000, handler), -4);  // Interrupted: EINTR after the handler.
        return 0;
    });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserMode um(*space, start_context("sig"));
        ostd::GeneralRegs saved;
        for (;;) {
            ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
            auto& ctx = um.context();
            uint64_t nr = ctx.syscall_nr();
            if (nr == 231) break;
            if (nr == 2000) {  // Deliver "signal 10" instead of completing the call.
                saved = ctx.regs();
                saved.rax = static_cast<uint64_t>(-4);
                ctx.regs().rip = ctx.syscall_arg(0);
                ctx.regs().rdi = 10;
                ctx.regs().rsp -= 256;
            } else if (nr == 2001) {
                ctx.set_syscall_ret(0);
            } else if (nr == 15) {  // rt_sigreturn
                ctx.regs() = saved;
            } else {
                FAIL() << "unexpected syscall " << nr;
            }
        }
        EXPECT_EQ(handled.load(), 1);
    }, small_machine());
}

TEST(ScriptedUser, RestartedSyscallIsReissued) {
    ostd::host::register_scripted_program("restart", [](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(3000, 11), 5);
        return 0;
    });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserMode um(*space, start_context("restart"));
        int seen = 0;
        for (;;) {
            ASSERT_EQ(um.execute(), ReturnReason::kUserSyscall);
            auto& ctx = um.context();
            if (ctx.syscall_nr() == 231) break;
            ASSERT_EQ(ctx.syscall_nr(), 3000u);
            EXPECT_EQ(ctx.syscall_arg(0), 11u);
            if (++seen == 1) {  // Restart like Linux: rax = nr, rip -= 2.
                ctx.regs().rip -= 2;
            } else {
                ctx.set_syscall_ret(5);
            }
        }
        EXPECT_EQ(seen, 2);
    }, small_machine());
}

TEST(ScriptedUser, ForkChildRunsContinuation) {
    ostd::host::register_scripted_program("forker", [](ScriptedUser& u) {
        int64_t pid = u.fork([](ScriptedUser& c) {
            EXPECT_EQ(c.syscall(4001), 1);
            return 9;
        });
        EXPECT_EQ(pid, 77);
        return 3;
    });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserMode parent(*space, start_context("forker"));
        ASSERT_EQ(parent.execute(), ReturnReason::kUserSyscall);
        ASSERT_EQ(parent.context().syscall_nr(), 57u);
        ostd::UserContext child_ctx = parent.context();
        child_ctx.set_syscall_ret(0);
        parent.context().set_syscall_ret(77);
        ASSERT_EQ(parent.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(parent.context().syscall_nr(), 231u);
        EXPECT_EQ(parent.context().syscall_arg(0), 3u);

        ostd::UserMode child(*space, child_ctx);
        ASSERT_EQ(child.execute(), ReturnReason::kUserSyscall);
        ASSERT_EQ(child.context().syscall_nr(), 4001u);
        child.context().set_syscall_ret(1);
        ASSERT_EQ(child.execute(), ReturnReason::kUserSyscall);
        EXPECT_EQ(child.context().syscall_nr(), 231u);
        EXPECT_EQ(child.context().syscall_arg(0), 9u);
    }, small_machine());
}

TEST(ScriptedUser, BadRipAndProtectionFaults) {
    ostd::host::register_scripted_program("ro", [](ScriptedUser& u) {
        u.write_u64(0x60000000, 1);  // Read-only page: protection fault, never resolved.
        ADD_FAILURE() << "write to a read-only page continued";
        return 0;
    });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserContext bad;
        bad.regs().rip = 0x1234;
        ostd::UserMode um(*space, bad);
        ASSERT_EQ(um.execute(), ReturnReason::kUserException);
        EXPECT_TRUE(um.context().exception().is_fetch());
        EXPECT_EQ(um.context().exception().fault_addr.value(), 0x1234u);

        auto c = space->cursor_mut({ostd::Vaddr(0x60000000), ostd::Vaddr(0x60001000)}).release_value();
        MUST(c.map(MUST(ostd::Frame::alloc()), ostd::PageProperty::user(ostd::PageFlags::kR)));
        ostd::UserMode ro(*space, start_context("ro"));
        for (int i = 0; i < 3; ++i) {  // Re-executing faults again each time.
            ASSERT_EQ(ro.execute(), ReturnReason::kUserException);
            EXPECT_TRUE(ro.context().exception().is_protection());
            EXPECT_TRUE(ro.context().exception().is_write());
        }
        // Destroying the UserMode abandons the suspended program.
    }, small_machine());
}

TEST(ScriptedUser, KernelEventPreemptsBeforeEntry) {
    ostd::host::register_scripted_program("basic", [](ScriptedUser&) { return 0; });
    run_in_kernel([] {
        auto space = space_with_stack();
        ostd::UserMode um(*space, start_context("basic"));
        EXPECT_EQ(um.execute([](void*) { return true; }, nullptr), ReturnReason::kKernelEvent);
    }, small_machine());
}

TEST(ScriptedUser, ManyProgramsOnManyCpusWithPreemption) {
    ostd::host::register_scripted_program("counter", [](ScriptedUser& u) {
        uint64_t sum = 0;
        for (int i = 0; i < 2000; ++i) sum += static_cast<uint64_t>(u.syscall(5000, i));
        return static_cast<int>(sum % 251);
    });
    run_in_kernel([] {
        std::vector<ostd::TaskRef> tasks;
        for (int t = 0; t < 16; ++t) {
            tasks.push_back(MUST(ostd::spawn([] {
                auto space = space_with_stack();
                ostd::UserMode um(*space, start_context("counter"));
                for (;;) {
                    if (um.execute() != ReturnReason::kUserSyscall) return -1;
                    auto& ctx = um.context();
                    if (ctx.syscall_nr() == 231) return static_cast<int>(ctx.syscall_arg(0));
                    ctx.set_syscall_ret(ctx.syscall_arg(0) * 2);
                    if (ctx.syscall_arg(0) % 64 == 0) ostd::yield_now();
                }
            }, "user")));
        }
        uint64_t want = 0;
        for (int i = 0; i < 2000; ++i) want += 2 * i;
        for (auto& t : tasks) EXPECT_EQ(MUST(t->join()), static_cast<int>(want % 251));
    }, small_machine(4));
}

}  // namespace
