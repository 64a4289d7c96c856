// Dispatch: -ENOSYS for anything unbound or out of range, Error -> -errno, and the table's
// binding invariants.
#include <kernel/syscall/dispatch.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kernel/syscall/table.h>
#include <kernel/syscall/user_reader.h>

namespace kernel::syscall {
namespace {

SyscallArgs call(int64_t nr, uint64_t a0 = 0, uint64_t a1 = 0) {
    SyscallArgs args;
    args.nr = nr;
    args.args[0] = a0;
    args.args[1] = a1;
    return args;
}

ostd::Result<int64_t> fails_with_first_arg(SyscallContext&, const SyscallArgs& args) {
    return ostd::Error(args.as_int(0), "test failure");
}

ostd::Result<int64_t> returns_sum(SyscallContext&, const SyscallArgs& args) {
    return static_cast<int64_t>(args.args[0] + args.args[1]);
}

// Reports whether the context it was given is the one the test built.
SyscallContext* g_seen_ctx = nullptr;
ostd::Result<int64_t> records_context(SyscallContext& ctx, const SyscallArgs&) {
    g_seen_ctx = &ctx;
    return 0;
}

ostd::Result<int64_t> returns_errno_range(SyscallContext&, const SyscallArgs&) {
    return int64_t{-2};
}

ostd::Result<int64_t> fails_with_zero(SyscallContext&, const SyscallArgs&) {
    return ostd::Error(0);
}

TEST(SyscallDispatch, OutOfRangeNumbersReturnEnosys) {
    SyscallTable table;
    SyscallContext ctx;
    for (int64_t nr : {int64_t{-1}, int64_t{INT64_MIN}, int64_t{335}, int64_t{423},
                       int64_t{max_syscall_nr()} + 1, int64_t{SyscallTable::kCapacity},
                       int64_t{1} << 40, int64_t{INT64_MAX}}) {
        EXPECT_EQ(dispatch(table, ctx, call(nr)), -ENOSYS) << nr;
        EXPECT_EQ(dispatch(ctx, call(nr)), -ENOSYS) << nr;
    }
}

TEST(SyscallDispatch, UnboundKnownNumberReturnsEnosys) {
    SyscallTable table;
    SyscallContext ctx;
    table.bind(sysno::getpid, returns_sum);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::getppid)), -ENOSYS);
    EXPECT_EQ(table.bound_count(), 1u);
}

TEST(SyscallDispatch, DefaultTableBindsExactlyTheNonEnosysRows) {
    const SyscallTable& table = default_syscall_table();
    SyscallContext ctx;
    size_t bound = 0;
    for (size_t i = 0; i < syscall_count(); ++i) {
        const SyscallInfo& row = syscall_at(i);
        bool has_handler = table.handler(row.nr) != nullptr;
        EXPECT_EQ(has_handler, row.status != SyscallStatus::kEnosys) << row.name;
        if (has_handler) {
            ++bound;
        } else {
            EXPECT_EQ(dispatch(ctx, call(row.nr)), -ENOSYS) << row.name;
        }
    }
    EXPECT_EQ(table.bound_count(), bound);
}

TEST(SyscallDispatch, HandlerErrorBecomesNegativeErrno) {
    SyscallTable table;
    table.bind(sysno::openat, fails_with_first_arg);
    SyscallContext ctx;
    EXPECT_EQ(dispatch(table, ctx, call(sysno::openat, ENOENT)), -ENOENT);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::openat, EFAULT)), -EFAULT);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::openat, ostd::kMaxErrno)), -ostd::kMaxErrno);
    // Only the low 32 bits of an int argument count.
    EXPECT_EQ(dispatch(table, ctx, call(sysno::openat, 0xdead'beef'0000'0000 | EPERM)), -EPERM);
}

TEST(SyscallDispatch, HandlerValueAndContextPassThrough) {
    SyscallTable table;
    table.bind(sysno::mmap, returns_sum);
    table.bind(sysno::getpid, records_context);
    SyscallContext ctx;
    EXPECT_EQ(dispatch(table, ctx, call(sysno::mmap, 0x7f00'0000'0000, 0x1000)), 0x7f00'0000'1000);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::getpid)), 0);
    EXPECT_EQ(g_seen_ctx, &ctx);
}

class RecordingSink final : public SyscallTraceSink {
  public:
    void emit(const char* line, size_t len) override {
        EXPECT_EQ(std::string(line).size(), len);
        lines.emplace_back(line, len);
    }
    std::vector<std::string> lines;
};

RecordingSink* g_sink = nullptr;
size_t g_lines_when_exit_ran = 0;
ostd::Result<int64_t> exit_handler(SyscallContext&, const SyscallArgs&) {
    g_lines_when_exit_ran = g_sink->lines.size();
    return 0;
}

TEST(SyscallDispatch, TraceSinkSeesOneLinePerCall) {
    SyscallTable table;
    table.bind(sysno::close, fails_with_first_arg);
    table.bind(sysno::exit_group, exit_handler);
    RecordingSink sink;
    g_sink = &sink;
    SyscallContext ctx;
    ctx.trace = &sink;
    EXPECT_EQ(dispatch(table, ctx, call(sysno::close, EBADF)), -EBADF);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::kill, 5, 9)), -ENOSYS);
    EXPECT_EQ(dispatch(table, ctx, call(400)), -ENOSYS);
    EXPECT_EQ(dispatch(table, ctx, call(sysno::exit_group, 3)), 0);
    ASSERT_EQ(sink.lines.size(), 4u);
    EXPECT_EQ(sink.lines[0], "close(9) = -1 EBADF (Bad file descriptor)");
    EXPECT_EQ(sink.lines[1], "kill(5, SIGKILL) = -1 ENOSYS (Function not implemented)");
    EXPECT_EQ(sink.lines[2],
              "syscall_400(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)");
    // exit_group does not come back on a real kernel, so its line goes out first.
    EXPECT_EQ(sink.lines[3], "exit_group(3) = ?");
    EXPECT_EQ(g_lines_when_exit_ran, 4u);
}

TEST(SyscallDispatch, TraceLinesAreCutToTheLineLimit) {
    // A 300-byte string argument renders past the line limit; the line is cut, still terminated.
    class LongPaths final : public UserReader {
      public:
        ostd::Result<size_t> read(uint64_t, void* dst, size_t len) const override {
            for (size_t i = 0; i < len; ++i)
                static_cast<char*>(dst)[i] = 'p';
            return len;
        }
    } user;
    SyscallTable table;
    RecordingSink sink;
    SyscallContext ctx;
    ctx.user = &user;
    ctx.trace = &sink;
    SyscallArgs args = call(sysno::renameat, static_cast<uint64_t>(-100), 0x1000);
    args.args[2] = static_cast<uint64_t>(-100);
    args.args[3] = 0x2000;
    EXPECT_EQ(dispatch(table, ctx, args), -ENOSYS);
    ASSERT_EQ(sink.lines.size(), 1u);
    EXPECT_EQ(sink.lines[0].size(), 511u);
    EXPECT_EQ(sink.lines[0].rfind("renameat(AT_FDCWD, \"pppp", 0), 0u);
}

TEST(SyscallArgsTest, NarrowAccessorsIgnoreUpperBits) {
    SyscallArgs args = call(0, 0xffff'ffff'ffff'ff9c, 0x1234'5678'0000'0005);
    EXPECT_EQ(args.as_int(0), -100);
    EXPECT_EQ(args.as_uint(1), 5u);
    EXPECT_EQ(args.as_long(0), -100);
}

TEST(SyscallDispatchDeathTest, BindingMisuseNamesTheInvariant) {
    SyscallTable table;
    EXPECT_DEATH(table.bind(400, returns_sum), "not a Linux x86-64 syscall");
    EXPECT_DEATH(table.bind(-1, returns_sum), "not a Linux x86-64 syscall");
    EXPECT_DEATH(table.bind(sysno::read, nullptr), "null handler");
    table.bind(sysno::read, returns_sum);
    EXPECT_DEATH(table.bind(sysno::read, returns_sum), "already bound");
}

TEST(SyscallDispatchDeathTest, HandlerBugsPanic) {
    SyscallTable table;
    table.bind(sysno::read, returns_errno_range);
    table.bind(sysno::write, fails_with_zero);
    SyscallContext ctx;
    EXPECT_DEATH(dispatch(table, ctx, call(sysno::read)), "reads as -errno");
    EXPECT_DEATH(dispatch(table, ctx, call(sysno::write)), "outside 1..");
}

}  // namespace
}  // namespace kernel::syscall
