// Bootstrap write(2) for fds 1 and 2 onto the console, until the VFS owns file descriptors.
// (The VFS's fd table replaces this file.)
#include <ostd/common/log.h>

#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {

ostd::Result<int64_t> sys_write(SyscallContext& ctx, const SyscallArgs& a) {
    int fd = a.as_int(0);
    if (fd != 1 && fd != 2) return ostd::Error(EBADF);
    uint64_t len = a.args[2];
    if (len > 0x7ffff000) len = 0x7ffff000;  // MAX_RW_COUNT
    char buf[512];
    uint64_t done = 0;
    while (done < len) {
        size_t chunk = len - done < sizeof buf ? len - done : sizeof buf;
        auto r = copy_from_user(ctx, a.args[1] + done, buf, chunk);
        if (r.is_error()) {
            if (done) break;
            return r.error();
        }
        ostd::console_write(buf, chunk);
        done += chunk;
    }
    return static_cast<int64_t>(done);
}

}  // namespace kernel::syscall
