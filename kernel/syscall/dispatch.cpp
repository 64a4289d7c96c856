// dispatch(): number -> handler -> Result -> rax. The only Error-to-errno conversion in the kernel.
#include <kernel/syscall/dispatch.h>

#include <ostd/common/errno.h>
#include <ostd/common/panic.h>

#include <kernel/syscall/table.h>
#include <kernel/syscall/trace.h>

namespace kernel::syscall {

void SyscallTable::bind(int nr, SyscallHandler handler) {
    if (handler == nullptr) ostd::panic("SyscallTable::bind(%d): null handler", nr);
    if (nr < 0 || nr >= kCapacity || find_syscall(nr) == nullptr)
        ostd::panic("SyscallTable::bind(%d): not a Linux x86-64 syscall number", nr);
    if (handlers_[nr] != nullptr)
        ostd::panic("SyscallTable::bind(%d, %s): number already bound", nr, find_syscall(nr)->name);
    handlers_[nr] = handler;
}

size_t SyscallTable::bound_count() const {
    size_t n = 0;
    for (auto h : handlers_)
        if (h) ++n;
    return n;
}

namespace {

// Longest trace line; longer ones are cut (the sink sees the truncated text).
constexpr size_t kTraceLineMax = 512;

int64_t run(const SyscallTable& table, SyscallContext& ctx, const SyscallArgs& args) {
    SyscallHandler handler = table.handler(args.nr);
    if (handler == nullptr) return -ENOSYS;
    ostd::Result<int64_t> result = handler(ctx, args);
    if (result.is_ok()) {
        int64_t value = result.value();
        if (value < 0 && value >= -ostd::kMaxErrno)
            ostd::panic("syscall %ld returned %ld, which reads as -errno: return ostd::Error",
                        static_cast<long>(args.nr), static_cast<long>(value));
        return value;
    }
    int code = result.error().code();
    if (code <= 0 || code > ostd::kMaxErrno)
        ostd::panic("syscall %ld failed with errno %d, outside 1..%d", static_cast<long>(args.nr),
                    code, ostd::kMaxErrno);
    return -static_cast<int64_t>(code);
}

bool never_returns(int64_t nr) {
    return nr == sysno::exit || nr == sysno::exit_group;
}

int64_t run_traced(const SyscallTable& table, SyscallContext& ctx, const SyscallArgs& args) {
    char line[kTraceLineMax];
    size_t len = format_syscall_call(line, sizeof line, args, ctx.user);
    if (len > sizeof line - 1) len = sizeof line - 1;
    auto append = [&](const char* text) {
        for (; *text && len + 1 < sizeof line; ++text)
            line[len++] = *text;
        line[len] = '\0';
    };
    if (never_returns(args.nr)) {
        append(" = ?");
        ctx.trace->emit(line, len);
        return run(table, ctx, args);
    }
    int64_t ret = run(table, ctx, args);
    append(" ");
    size_t ret_len = format_syscall_return(line + len, sizeof line - len, args, ret);
    len = len + ret_len < sizeof line ? len + ret_len : sizeof line - 1;
    ctx.trace->emit(line, len);
    return ret;
}

}  // namespace

int64_t dispatch(const SyscallTable& table, SyscallContext& ctx, const SyscallArgs& args) {
    return ctx.trace ? run_traced(table, ctx, args) : run(table, ctx, args);
}

int64_t dispatch(SyscallContext& ctx, const SyscallArgs& args) {
    return dispatch(default_syscall_table(), ctx, args);
}

}  // namespace kernel::syscall
