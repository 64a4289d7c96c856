// dispatch(): number -> handler -> Result -> rax. The only Error-to-errno conversion in the kernel.
#include <kernel/syscall/dispatch.h>

#include <ostd/common/errno.h>
#include <ostd/common/panic.h>

#include <kernel/syscall/table.h>

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

int64_t dispatch(const SyscallTable& table, SyscallContext& ctx, const SyscallArgs& args) {
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

int64_t dispatch(SyscallContext& ctx, const SyscallArgs& args) {
    return dispatch(default_syscall_table(), ctx, args);
}

}  // namespace kernel::syscall
