// The kernel's syscall table, bound at compile time from syscalls.def: an entry whose status is
// not Enosys is bound to its handler symbol, so a missing handler is a link error, not a
// silent -ENOSYS. Enosys entries are never referenced (discarded if-constexpr branches).
#include <kernel/syscall/dispatch.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/table.h>

namespace kernel::syscall {
namespace {

SyscallTable build_default_table() {
    SyscallTable table;
#define ORRERY_SYSCALL(nr, name, handler, status, ...)                  \
    if constexpr (SyscallStatus::k##status != SyscallStatus::kEnosys) { \
        table.bind(nr, &handler);                                       \
    }
#include <kernel/syscall/syscalls.def>
#undef ORRERY_SYSCALL
    return table;
}

}  // namespace

const SyscallTable& default_syscall_table() {
    // A function-local static: built at first use, no constructor runs at load time.
    static const SyscallTable table = build_default_table();
    return table;
}

}  // namespace kernel::syscall
