// VmReader/VmWriter: the only way kernel code touches memory it does not own. Over a user range
// of a VmSpace they are fallible (EFAULT, never a host crash); over kernel buffers infallible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include <ostd/common/result.h>
#include <ostd/common/types.h>

namespace ostd {

class VmSpace;
class VmWriter;

/// Reads sequentially from a user range or a kernel buffer.
///
/// Fault semantics (user readers): user memory is checked page by page; a byte is readable when
/// its page lies in [kUserStart, kUserEnd) and is mapped present + user. A missing or protected
/// page first goes to the VmSpace's page-fault handler (once per page); if that fails, the copy
/// stops with EFAULT. Bytes before the faulting page are copied: the reader advances past them and
/// `*copied` (when given) reports their count, so callers can return partial results like
/// read(2). Wrapped, non-canonical and kernel-half addresses simply fault.
/// Locking: must not be called with the VmSpace's lock held (it takes it per page) nor under any
/// spinlock (the fault handler may sleep). Borrowing: the VmSpace or buffer must outlive the
/// reader.
class VmReader {
public:
    /// Infallible reader over a kernel buffer.
    static VmReader from_kernel(std::span<const std::byte> buf) {
        VmReader r;
        r.kbuf_ = buf.data();
        r.remaining_ = buf.size();
        return r;
    }
    /// Fallible reader over [va, va + len) of `space`.
    static VmReader from_user(VmSpace& space, Vaddr va, size_t len) {
        VmReader r;
        r.space_ = &space;
        r.va_ = va.value();
        r.remaining_ = len;
        return r;
    }

    size_t remaining() const { return remaining_; }
    bool is_user() const { return space_ != nullptr; }
    /// Advances by n bytes without copying. Panics if n > remaining().
    void skip(size_t n);

    /// Copies min(remaining(), dst.size()) bytes into dst. Returns the count, or EFAULT (user
    /// readers only) with the bytes copied before the fault in *copied.
    Result<size_t> read(std::span<std::byte> dst, size_t* copied = nullptr);
    /// Copies min(remaining(), w.remaining()) bytes into a writer. EFAULT on a fault on either
    /// side; *copied as for read().
    Result<size_t> read_to(VmWriter& w, size_t* copied = nullptr);

    /// Reads one trivially copyable value. EFAULT if fewer than sizeof(T) bytes remain or on a
    /// fault (the reader then stays where the fault happened).
    template <typename T>
    Result<T> read_val() {
        static_assert(std::is_trivially_copyable_v<T>, "read_val needs a trivially copyable type");
        if (remaining_ < sizeof(T)) return Error(EFAULT, "read_val past the end of the reader");
        alignas(T) std::byte raw[sizeof(T)];
        TRY(read(raw));
        T v;
        std::memcpy(&v, raw, sizeof(T));
        return v;
    }

    /// Reads a NUL-terminated string into buf (NUL included) and returns its length without the
    /// NUL. At most min(buf.size(), remaining()) bytes are examined: if none of them is NUL the
    /// result is ENAMETOOLONG; EFAULT if a fault comes before the NUL. Bytes after the NUL are
    /// never touched. On error buf holds unspecified bytes.
    Result<size_t> read_cstring(std::span<char> buf);

private:
    friend class VmWriter;
    VmReader() = default;
    VmSpace* space_ = nullptr;         // borrowed; user mode when non-null
    const std::byte* kbuf_ = nullptr;  // kernel mode cursor
    uint64_t va_ = 0;                  // user mode cursor
    size_t remaining_ = 0;
};

/// Writes sequentially into a user range or a kernel buffer. Same fault, locking and borrowing
/// rules as VmReader; writes additionally need writable pages.
class VmWriter {
public:
    static VmWriter from_kernel(std::span<std::byte> buf) {
        VmWriter w;
        w.kbuf_ = buf.data();
        w.remaining_ = buf.size();
        return w;
    }
    static VmWriter from_user(VmSpace& space, Vaddr va, size_t len) {
        VmWriter w;
        w.space_ = &space;
        w.va_ = va.value();
        w.remaining_ = len;
        return w;
    }

    size_t remaining() const { return remaining_; }
    bool is_user() const { return space_ != nullptr; }
    /// Advances by n bytes without writing. Panics if n > remaining().
    void skip(size_t n);

    /// Copies min(remaining(), src.size()) bytes from src. Returns the count or EFAULT with the
    /// bytes written before the fault in *copied.
    Result<size_t> write(std::span<const std::byte> src, size_t* copied = nullptr);
    /// Writes n zero bytes (at most remaining()). Returns the count or EFAULT as write().
    Result<size_t> fill_zero(size_t n, size_t* copied = nullptr);

    /// Writes one trivially copyable value. EFAULT if fewer than sizeof(T) bytes remain or on a
    /// fault.
    template <typename T>
    Result<void> write_val(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>, "write_val needs a trivially copyable type");
        if (remaining_ < sizeof(T)) return Error(EFAULT, "write_val past the end of the writer");
        std::byte raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        TRY(write(raw));
        return ok();
    }

private:
    friend class VmReader;
    VmWriter() = default;
    VmSpace* space_ = nullptr;  // borrowed; user mode when non-null
    std::byte* kbuf_ = nullptr;
    uint64_t va_ = 0;
    size_t remaining_ = 0;
};

}  // namespace ostd
