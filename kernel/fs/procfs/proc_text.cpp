// appendf for generated /proc files.
#include <kernel/fs/procfs/proc_text.h>

namespace kernel::fs::procfs {

ostd::Result<void> appendf(ostd::String& s, const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = ostd::vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= sizeof buf) n = sizeof buf - 1;
    return s.append(std::string_view(buf, n));
}

}  // namespace kernel::fs::procfs
