// Page properties: access rights, cache policy and privilege of one mapped page, independent of
// the page-table format that encodes them.
#pragma once

#include <cstdint>

namespace ostd {

/// Access rights and status bits. kNone maps the page without any access (like PROT_NONE): the
/// frame stays mapped but every access faults.
enum class PageFlags : uint8_t {
    kNone = 0,
    kR = 1 << 0,
    kW = 1 << 1,
    kX = 1 << 2,
    kRW = kR | kW,
    kRX = kR | kX,
    kRWX = kR | kW | kX,
    kAccessed = 1 << 3,
    kDirty = 1 << 4,
};
constexpr PageFlags operator|(PageFlags a, PageFlags b) {
    return static_cast<PageFlags>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}
constexpr PageFlags operator&(PageFlags a, PageFlags b) {
    return static_cast<PageFlags>(static_cast<uint8_t>(a) & static_cast<uint8_t>(b));
}
constexpr PageFlags operator~(PageFlags a) {
    return static_cast<PageFlags>(~static_cast<uint8_t>(a));
}
constexpr bool has_flags(PageFlags set, PageFlags wanted) {
    return (set & wanted) == wanted;
}

enum class CachePolicy : uint8_t { kWriteBack, kWriteThrough, kUncacheable };

/// Who may access the page: user mode (and the kernel through VmReader/VmWriter) or the kernel
/// only; kGlobal pages survive address-space switches.
enum class PrivilegeFlags : uint8_t { kUser = 1 << 0, kKernel = 0, kGlobal = 1 << 1 };
constexpr PrivilegeFlags operator|(PrivilegeFlags a, PrivilegeFlags b) {
    return static_cast<PrivilegeFlags>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}
constexpr bool has_priv(PrivilegeFlags set, PrivilegeFlags wanted) {
    return (static_cast<uint8_t>(set) & static_cast<uint8_t>(wanted)) ==
           static_cast<uint8_t>(wanted);
}

struct PageProperty {
    PageFlags flags = PageFlags::kR;
    CachePolicy cache = CachePolicy::kWriteBack;
    PrivilegeFlags priv = PrivilegeFlags::kUser;

    /// A write-back user page with the given rights.
    static constexpr PageProperty user(PageFlags flags) {
        return PageProperty{flags, CachePolicy::kWriteBack, PrivilegeFlags::kUser};
    }
    constexpr bool operator==(const PageProperty&) const = default;
};

}  // namespace ostd
