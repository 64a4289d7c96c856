// The kernel heap: slab caches for 16..2048-byte objects carved from frames, larger blocks from
// contiguous frames. Its state lives in RAM. Freed memory is ASan-poisoned.
// Lock order: heap class lock -> frame allocator lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

namespace ostd::heap {

/// Smallest and largest slab object sizes; bigger requests use whole frames.
inline constexpr size_t kMinSlabSize = 16;
inline constexpr size_t kMaxSlabSize = 2048;

/// Allocates `size` bytes aligned to `align` (a power of two; at most 4 MiB). Returns nullptr when
/// memory is exhausted, size is 0 or too large (over 4 MiB), or align is not a power of two.
/// Locking: takes the size class's spinlock and the frame allocator's; callable in any context,
/// including with a VmSpace lock held (lock order above). The memory is uninitialised.
void* alloc(size_t size, size_t align = alignof(std::max_align_t));

/// Returns memory from alloc(). nullptr is ignored. Locking as alloc(). Panics on a pointer the
/// heap did not hand out or on a double free (the latter is caught in ASan and debug builds).
void free(void* p);

/// The usable size of an allocation (its size class). Precondition: p came from alloc().
size_t usable_size(const void* p);

struct HeapStats {
    uint64_t live_objects;  // allocations not yet freed
    uint64_t slab_frames;   // frames held by slab caches
    uint64_t large_frames;  // frames held by large allocations
};
HeapStats stats();

}  // namespace ostd::heap

namespace ostd {

/// Base for kernel objects created with `new (std::nothrow) T(...)`: routes them to the kernel
/// heap. The global operator new stays the host's (gtest shares the process), so kernel classes
/// derive from this (RefCounted<T> does) and must use the nothrow form, which yields nullptr on
/// exhaustion.
class HeapObject {
public:
    static void* operator new(size_t size, const std::nothrow_t&) noexcept {
        return heap::alloc(size);
    }
    static void* operator new(size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
        return heap::alloc(size, static_cast<size_t>(al));
    }
    static void operator delete(void* p) noexcept { heap::free(p); }
    static void operator delete(void* p, std::align_val_t) noexcept { heap::free(p); }
    static void operator delete(void* p, const std::nothrow_t&) noexcept { heap::free(p); }
    static void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
        heap::free(p);
    }
    /// Placement new stays available (e.g. for in-place construction inside frames).
    static void* operator new(size_t, void* where) noexcept { return where; }
    /// Throwing new is deleted: allocation failure must be handled.
    static void* operator new(size_t) = delete;
    static void* operator new[](size_t) = delete;
};

}  // namespace ostd
