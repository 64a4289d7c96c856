// Human-readable rows of the syscall table.
#include <kernel/syscall/listing.h>

#include <kernel/syscall/trace_writer.h>

namespace kernel::syscall {

size_t format_syscall_row(char* buf, size_t size, const SyscallInfo& info) {
    TraceWriter out(buf, size);
    out.printf("%3d  %s(", info.nr, info.name);
    for (int i = 0; i < info.arg_count(); ++i) {
        if (i) out.puts(", ");
        out.puts(arg_kind_name(info.args[i]));
    }
    out.printf(")  %s", status_name(info.status));
    return out.length();
}

size_t format_syscall_summary(char* buf, size_t size, const StatusCounts& counts) {
    TraceWriter out(buf, size);
    out.printf("%zu syscalls: %zu implemented, %zu partial, %zu enosys", counts.total(),
               counts.implemented, counts.partial, counts.enosys);
    return out.length();
}

}  // namespace kernel::syscall
