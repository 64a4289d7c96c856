// An abstract window onto one address space's user memory, read-only. The tracer and syscall
// handlers use it; tests supply a fake, the kernel wraps ostd's VmReader in it.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>

namespace kernel::syscall {

class UserReader {
  public:
    /// Copies up to `len` bytes at user address `uaddr` into `dst`.
    /// Returns the number of bytes copied, which is short (possibly 0 when len is 0) only when
    /// the range runs into memory that cannot be read. Errors: EFAULT if the first byte cannot
    /// be read. Never panics on a bad address. May sleep (page faults); not under spinlocks.
    virtual ostd::Result<size_t> read(uint64_t uaddr, void* dst, size_t len) const = 0;

  protected:
    ~UserReader() = default;
};

}  // namespace kernel::syscall
