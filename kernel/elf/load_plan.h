// The load plan: what an exec loader maps for a validated ElfImage at a chosen base — page
// ranges, image bytes to copy, ranges to zero, protections, and the auxv addresses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <kernel/elf/elf_image.h>
#include <ostd/common/result.h>
#include <ostd/common/types.h>

namespace kernel::elf {

/// One mapping, in final (biased) addresses. Layout of `pages`:
///   [pages.start, pages.start + file_size)  image bytes [file_offset, file_offset + file_size)
///   [pages.start + file_size, pages.end)    zero (the .bss and the tail of the last page)
struct PlannedSegment {
    ostd::VaRange pages;       // page-aligned, non-empty; segments never share a page
    uint64_t file_offset = 0;  // page_down(p_offset)
    uint64_t file_size = 0;    // page_offset(p_vaddr) + p_filesz, or 0 when p_filesz == 0
    uint8_t prot = kProtNone;  // Prot bits

    /// The part filled from the image.
    ostd::VaRange file_backed() const { return {pages.start, pages.start + file_size}; }
    /// Every byte that must read as zero (includes the partial page after the file bytes).
    ostd::VaRange zero_fill() const { return {pages.start + file_size, pages.end}; }
    /// Whole pages with no image bytes: anonymous zero pages.
    ostd::VaRange anon_pages() const { return {zero_fill().start.page_up(), pages.end}; }
};

/// Everything exec needs from one image. Plain data; `interpreter` points into the image.
struct LoadPlan {
    std::array<PlannedSegment, kMaxLoadSegments> segment_storage{};
    size_t segment_count = 0;
    uint64_t bias = 0;                // added to every link-time address (0 for ET_EXEC)
    ostd::VaRange span;               // all mappings, biased
    ostd::Vaddr entry;                // AT_ENTRY / initial rip when there is no interpreter
    std::optional<ostd::Vaddr> phdr;  // AT_PHDR; nullopt when the table is not mapped
    uint16_t phnum = 0;               // AT_PHNUM
    uint16_t phentsize = 0;           // AT_PHENT
    ostd::Vaddr brk_start;            // page after the highest segment: the initial program break
    ImageKind kind = ImageKind::kStatic;
    std::string_view interpreter;  // empty unless kind == kDynamic
    bool exec_stack = false;

    std::span<const PlannedSegment> segments() const {
        return {segment_storage.data(), segment_count};
    }
};

/// Plans the mappings of `image`. The load bias rule: ET_EXEC loads at its link addresses and
/// ignores `base`; ET_DYN places its lowest page at `base`, so bias = base - image.span().start.
/// Preconditions: none on the image beyond coming from parse_elf.
/// Errors: EINVAL when an ET_DYN `base` is not a multiple of image.base_alignment();
/// ENOMEM when the biased image would wrap or reach past kUserAddressLimit.
ostd::Result<LoadPlan> plan_load(const ElfImage& image, ostd::Vaddr base);

}  // namespace kernel::elf
