// Strong address and size types: a physical address cannot be passed where a virtual one is due.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

namespace ostd {

inline constexpr size_t kPageShift = 12;
inline constexpr size_t kPageSize = size_t{1} << kPageShift;

template <typename Tag>
class Address {
public:
    constexpr Address() = default;
    constexpr explicit Address(uint64_t v) : v_(v) {}
    constexpr uint64_t value() const { return v_; }
    constexpr auto operator<=>(const Address&) const = default;
    constexpr Address operator+(uint64_t d) const { return Address(v_ + d); }
    constexpr Address operator-(uint64_t d) const { return Address(v_ - d); }
    constexpr uint64_t operator-(Address o) const { return v_ - o.v_; }
    constexpr Address& operator+=(uint64_t d) {
        v_ += d;
        return *this;
    }
    constexpr bool is_page_aligned() const { return (v_ & (kPageSize - 1)) == 0; }
    constexpr Address page_down() const { return Address(v_ & ~uint64_t{kPageSize - 1}); }
    constexpr Address page_up() const {
        return Address((v_ + kPageSize - 1) & ~uint64_t{kPageSize - 1});
    }
    constexpr uint64_t page_offset() const { return v_ & (kPageSize - 1); }

private:
    uint64_t v_ = 0;
};

struct PaddrTag {};
struct VaddrTag {};
/// A physical address in the machine's RAM.
using Paddr = Address<PaddrTag>;
/// A virtual address in some VmSpace (user) or in the kernel.
using Vaddr = Address<VaddrTag>;

/// Page frame number: Paddr / kPageSize.
class Pfn {
public:
    constexpr Pfn() = default;
    constexpr explicit Pfn(uint64_t v) : v_(v) {}
    constexpr static Pfn from(Paddr pa) { return Pfn(pa.value() >> kPageShift); }
    constexpr Paddr paddr() const { return Paddr(v_ << kPageShift); }
    constexpr uint64_t value() const { return v_; }
    constexpr auto operator<=>(const Pfn&) const = default;

private:
    uint64_t v_ = 0;
};

/// A half-open virtual range [start, end).
struct VaRange {
    Vaddr start;
    Vaddr end;
    constexpr uint64_t size() const { return end - start; }
    constexpr bool contains(Vaddr va) const { return va >= start && va < end; }
    constexpr bool is_empty() const { return end <= start; }
};

constexpr uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
constexpr uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

}  // namespace ostd
