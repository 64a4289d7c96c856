// Per-frame metadata (Linux's mem_map): one 64-byte record per physical frame, kept in emulated
// RAM together with the rest of the allocator state so a RAM snapshot captures all of it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <ostd/common/panic.h>
#include <ostd/common/types.h>

namespace ostd::detail {

/// Who owns a frame right now.
enum class FrameKind : uint8_t {
    kFree = 0,    // in the buddy allocator (a zero record: see init_meta)
    kAbsent,      // not RAM, or a reserved region of the memory map
    kReserved,    // frame 0 and frames used by ostd's own bookkeeping
    kFrame,       // owned by Frame/Segment handles (refcounted)
    kPageTable,   // a page-table page owned by a VmSpace
    kSlab,        // a kernel-heap slab page
    kHeapLarge,   // part of a large kernel-heap allocation
};

inline constexpr uint64_t kNoPfn = ~uint64_t{0};
inline constexpr size_t kMetaSlotSize = 32;

struct FrameMeta {
    std::atomic<uint32_t> refcount;
    FrameKind kind;
    uint8_t order;  // order of the free block this frame heads (valid if is_free_head)
    uint8_t is_free_head;
    uint8_t unused0;
    uintptr_t type_tag;  // address of the static tag of the slot's type, or 0
    uint64_t next;       // list links, owned by whoever owns the frame (buddy, slab)
    uint64_t prev;
    alignas(16) std::byte slot[kMetaSlotSize];
};
static_assert(sizeof(FrameMeta) == 64, "frame metadata must stay 64 bytes");

/// The metadata array; set by init_mm(). Indexed by pfn, covers [0, meta_pfn_limit()).
extern FrameMeta* g_frame_meta;
extern uint64_t g_meta_pfn_limit;

inline uint64_t meta_pfn_limit() {
    return g_meta_pfn_limit;
}

inline FrameMeta& meta_of(uint64_t pfn) {
    ORRERY_ASSERT(pfn < g_meta_pfn_limit, "pfn %#lx beyond physical memory",
                  static_cast<unsigned long>(pfn));
    // SAFETY: g_frame_meta holds g_meta_pfn_limit records (reserved at init); pfn checked above.
    return g_frame_meta[pfn];
}

/// Records [pfn, pfn + count) are about to be written: tells the backend which metadata pages
/// the machine wrote (hal::note_frames_written), since only those are reset between machines.
/// Every write of a record outside memory bring-up is to a frame the buddy allocator handed
/// out (noted then) or to a free block's head (noted when pushed).
void note_meta_written(uint64_t pfn, uint64_t count);

/// Direct-map pointer to a frame's bytes (ostd-internal: kernel code uses VmReader/VmWriter).
std::byte* frame_bytes(uint64_t pfn);

}  // namespace ostd::detail
