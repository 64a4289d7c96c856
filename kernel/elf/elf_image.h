// ELF64 executable validation: turns untrusted image bytes into a checked ElfImage (segments,
// entry, interpreter, AT_PHDR source), or rejects them with ENOEXEC and a Diagnostic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <ostd/common/result.h>
#include <ostd/common/types.h>

namespace kernel::elf {

/// Why an image was rejected: a static reason naming the field, and the byte offset in the image
/// of the offending field (of the ELF header or of one program header entry).
struct Diagnostic {
    const char* reason = nullptr;
    uint64_t offset = 0;
};

/// Formats `diag` as "ELF: <reason> (byte 0x<offset>)" for logs, like ostd::format (always
/// NUL-terminates when size > 0; returns the untruncated length).
size_t describe(const Diagnostic& diag, char* buf, size_t size);

enum class Arch : uint8_t { kX86_64, kRiscV64 };
enum class ElfType : uint8_t { kExec, kDyn };

/// How the image gets its code running: the loader's three cases.
enum class ImageKind : uint8_t {
    kStatic,     // ET_EXEC, no PT_INTERP: map at its link addresses, jump to entry
    kStaticPie,  // ET_DYN, no PT_INTERP: map at a chosen base, jump to entry + bias
    kDynamic,    // PT_INTERP present: also load the interpreter and jump to its entry
};

/// Segment protection bits (PF_R/PF_W/PF_X translated; not the ELF bit values).
enum Prot : uint8_t { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

/// One validated PT_LOAD segment, in link-time (unbiased) addresses.
struct Segment {
    uint64_t vaddr = 0;        // p_vaddr
    uint64_t memsz = 0;        // p_memsz (> 0: empty PT_LOADs are dropped)
    uint64_t file_offset = 0;  // p_offset
    uint64_t filesz = 0;       // p_filesz (<= memsz; file range inside the image)
    uint64_t align = 0;        // p_align (0, 1 or a power of two)
    uint8_t prot = kProtNone;  // Prot bits
    uint16_t phdr_index = 0;   // index in the program header table

    /// Page-aligned [page_down(vaddr), page_up(vaddr + memsz)).
    ostd::VaRange pages() const;
};

/// A PT_TLS template (noted for the user-space TLS setup; the kernel does not map it).
struct TlsTemplate {
    uint64_t vaddr = 0, filesz = 0, memsz = 0, align = 0;
};

/// A PT_DYNAMIC range, noted (the kernel does not relocate).
struct DynamicRange {
    uint64_t vaddr = 0, size = 0;
};

/// Largest number of PT_LOAD segments accepted (real images have 2-5).
inline constexpr size_t kMaxLoadSegments = 16;
/// Largest program header table accepted, in entries (Linux caps the table at one page).
inline constexpr uint16_t kMaxPhnum = 4096 / 56;
/// Largest PT_INTERP size, NUL included (PATH_MAX).
inline constexpr uint64_t kMaxInterpSize = 4096;
/// Largest p_align accepted (also bounds the base alignment an ET_DYN image can demand).
inline constexpr uint64_t kMaxSegmentAlign = uint64_t{1} << 30;
/// End of the user half on x86-64 (4-level) and RISC-V Sv48: no segment may extend past it.
inline constexpr uint64_t kUserAddressLimit = uint64_t{1} << 47;

/// A validated ELF64 executable. Holds views into the image bytes (interp): the image must
/// outlive it. Invariants: 1..kMaxLoadSegments load segments sorted by vaddr, not sharing any
/// page, each inside [0, kUserAddressLimit); entry inside one of them.
class ElfImage {
  public:
    Arch arch() const { return arch_; }
    ElfType type() const { return type_; }
    ImageKind kind() const { return kind_; }
    /// e_entry, unbiased.
    uint64_t entry() const { return entry_; }
    std::span<const Segment> segments() const { return {segments_.data(), segment_count_}; }
    /// PT_INTERP path without its NUL (empty when absent). Points into the image.
    std::string_view interpreter() const { return interp_; }
    /// Link-time address of the program header table for AT_PHDR: PT_PHDR's p_vaddr, else the
    /// address at which a PT_LOAD maps e_phoff; nullopt when the table is not mapped.
    std::optional<uint64_t> phdr_vaddr() const { return phdr_vaddr_; }
    uint16_t phnum() const { return phnum_; }
    uint16_t phentsize() const { return phentsize_; }
    /// PT_GNU_STACK asked for an executable stack (false when absent: no READ_IMPLIES_EXEC).
    bool wants_exec_stack() const { return exec_stack_; }
    bool has_gnu_stack() const { return has_gnu_stack_; }
    std::optional<TlsTemplate> tls() const { return tls_; }
    std::optional<DynamicRange> dynamic() const { return dynamic_; }
    /// Page-aligned range covering every load segment, unbiased.
    ostd::VaRange span() const;
    /// Alignment an ET_DYN base must have: the largest p_align of the PT_LOADs, at least a page.
    uint64_t base_alignment() const { return base_align_; }

  private:
    friend class ElfParser;
    ElfImage() = default;  // only the parser makes them: every ElfImage is validated

    Arch arch_ = Arch::kX86_64;
    ElfType type_ = ElfType::kExec;
    ImageKind kind_ = ImageKind::kStatic;
    uint64_t entry_ = 0;
    std::array<Segment, kMaxLoadSegments> segments_{};
    size_t segment_count_ = 0;
    std::string_view interp_;
    std::optional<uint64_t> phdr_vaddr_;
    uint16_t phnum_ = 0;
    uint16_t phentsize_ = 0;
    bool exec_stack_ = false;
    bool has_gnu_stack_ = false;
    std::optional<TlsTemplate> tls_;
    std::optional<DynamicRange> dynamic_;
    uint64_t base_align_ = ostd::kPageSize;
};

/// Validates `image` as an ELF64 little-endian executable (ET_EXEC or ET_DYN) for x86-64 or
/// RISC-V, with the checks a Linux loader makes and a few stricter ones (see elf_image.cpp).
/// Errors: ENOEXEC for any malformed or unsupported image, with Error::note() = the reason;
/// `diag`, when given, receives the reason and the byte offset of the offending field.
/// Pure function: no locks, no allocation, safe in any context.
ostd::Result<ElfImage> parse_elf(std::span<const std::byte> image, Diagnostic* diag = nullptr);

}  // namespace kernel::elf
