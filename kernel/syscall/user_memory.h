// Copying syscall arguments in and results out of the calling process's memory. Every helper
// fails with EFAULT on a bad pointer (never a crash) and may sleep (page faults), so none may be
// called with a spinlock or an AddressSpace lock held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ostd/common/result.h>
#include <ostd/ktl/string.h>
#include <ostd/mm/vm_io.h>

#include <kernel/syscall/dispatch.h>
#include <kernel/syscall/user_reader.h>

namespace kernel {

inline constexpr size_t kPathMax = 4096;

/// EFAULT unless ctx has a process (unit tests may pass none).
ostd::Result<ostd::VmSpace*> user_space(syscall::SyscallContext& ctx);

ostd::Result<void> copy_from_user(syscall::SyscallContext& ctx, uint64_t uaddr, void* dst,
                                  size_t n);
ostd::Result<void> copy_to_user(syscall::SyscallContext& ctx, uint64_t uaddr, const void* src,
                                size_t n);
/// Writes n zero bytes.
ostd::Result<void> clear_user(syscall::SyscallContext& ctx, uint64_t uaddr, size_t n);

template <typename T>
    requires std::is_trivially_copyable_v<T>
ostd::Result<T> read_user(syscall::SyscallContext& ctx, uint64_t uaddr) {
    T v;
    TRY(copy_from_user(ctx, uaddr, &v, sizeof v));
    return v;
}

template <typename T>
    requires std::is_trivially_copyable_v<T>
ostd::Result<void> write_user(syscall::SyscallContext& ctx, uint64_t uaddr, const T& v) {
    return copy_to_user(ctx, uaddr, &v, sizeof v);
}

/// A NUL-terminated string of at most max_len bytes (NUL excluded). EFAULT; ENAMETOOLONG when no
/// NUL within max_len + 1 bytes.
ostd::Result<ostd::String> read_user_string(syscall::SyscallContext& ctx, uint64_t uaddr,
                                            size_t max_len);
/// A path argument: EFAULT, ENAMETOOLONG (>= PATH_MAX), ENOENT for an empty path.
ostd::Result<ostd::String> read_user_path(syscall::SyscallContext& ctx, uint64_t uaddr);

/// A reader/writer over [uaddr, uaddr + len) of the caller's memory for bulk data (read/write
/// buffers). EFAULT if there is no process.
ostd::Result<ostd::VmReader> user_reader(syscall::SyscallContext& ctx, uint64_t uaddr, size_t len);
ostd::Result<ostd::VmWriter> user_writer(syscall::SyscallContext& ctx, uint64_t uaddr, size_t len);

/// syscall::UserReader over a process's memory (for the tracer).
class ProcessUserReader final : public syscall::UserReader {
public:
    explicit ProcessUserReader(ostd::VmSpace& space) : space_(space) {}
    ostd::Result<size_t> read(uint64_t uaddr, void* dst, size_t len) const override;

private:
    ostd::VmSpace& space_;
};

}  // namespace kernel
