// Bounds-checked little-endian reads and overflow-checked arithmetic over an untrusted image.
// Every access to image bytes in kernel/elf goes through these helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace kernel::elf::detail {

/// a + b into *out; false (and *out untouched) on unsigned overflow.
inline bool checked_add(uint64_t a, uint64_t b, uint64_t* out) {
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r)) return false;
    *out = r;
    return true;
}

/// True when [offset, offset + size) lies inside a buffer of `total` bytes (overflow-safe).
inline bool range_within(uint64_t offset, uint64_t size, uint64_t total) {
    return offset <= total && size <= total - offset;
}

/// Reads an N-byte little-endian unsigned integer at `offset`.
/// Precondition: range_within(offset, N, bytes.size()) (callers check the enclosing structure).
template <size_t N>
inline uint64_t read_le(std::span<const std::byte> bytes, uint64_t offset) {
    static_assert(N >= 1 && N <= 8);
    uint64_t v = 0;
    for (size_t i = 0; i < N; ++i)
        v |= static_cast<uint64_t>(bytes[offset + i]) << (8 * i);
    return v;
}

inline bool is_power_of_two(uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

}  // namespace kernel::elf::detail
