// Memory bring-up: lays out [allocator state][frame metadata array] in the first usable RAM after
// frame 0, then hands every other usable frame to the buddy allocator.
#include "mm/init.h"

#include <cstring>
#include <new>
#include <span>

#include <ostd/common/log.h>

#include "hal/mem.h"
#include "mm/asan.h"
#include "mm/buddy.h"
#include "mm/frame_meta.h"
#include "mm/heap_state.h"

namespace ostd::detail {

FrameMeta* g_frame_meta = nullptr;
uint64_t g_meta_pfn_limit = 0;

namespace {

/// All of ostd's allocator state, stored in RAM so a RAM snapshot restores it.
struct MmState {
    BuddyState buddy;
    HeapState heap;
};

uint64_t g_reserved = 0;
MmLeakReport g_last_report{};
uint64_t g_bookkeeping_pfn = 0, g_bookkeeping_frames = 0;

uint64_t pages(uint64_t bytes) {
    return (bytes + kPageSize - 1) / kPageSize;
}

uint64_t g_meta_base_pfn = 0;  // the frame holding g_frame_meta[0]

/// A usable range of frames, [begin, end).
struct Span {
    uint64_t begin, end;
};
constexpr size_t kMaxSpans = 128;

/// The usable regions of the map as sorted, disjoint frame ranges (overlaps count once).
size_t usable_spans(std::span<const MemoryRegion> map, Span* out) {
    size_t n = 0;
    for (const MemoryRegion& r : map) {
        if (r.kind != MemoryRegionKind::kUsable) continue;
        Span s{pages(r.base.value()), (r.base.value() + r.size) / kPageSize};
        if (s.begin >= s.end) continue;
        ORRERY_ASSERT(n < kMaxSpans, "memory map has more than %zu usable regions", kMaxSpans);
        size_t i = n++;
        for (; i > 0 && out[i - 1].begin > s.begin; --i)
            out[i] = out[i - 1];
        out[i] = s;
    }
    size_t merged = 0;
    for (size_t i = 0; i < n; ++i) {
        if (merged && out[i].begin <= out[merged - 1].end) {
            if (out[i].end > out[merged - 1].end) out[merged - 1].end = out[i].end;
        } else {
            out[merged++] = out[i];
        }
    }
    return merged;
}

// The records below are written without ASan checks: the array was just unpoisoned and the
// indices lie in [0, limit) by construction.
__attribute__((no_sanitize("address"))) void mark(FrameMeta* meta, uint64_t begin, uint64_t end,
                                                  FrameKind kind) {
    if (begin >= end) return;
    note_meta_written(begin, end - begin);
    for (uint64_t p = begin; p < end; ++p)
        meta[p].kind = kind;
}

// A zero record is a free frame that heads no block (FrameKind::kFree is 0), so on RAM that
// is all zero (the host backend's, reset between machines) bring-up writes only the records
// of frames that are not free and of the blocks it hands to the buddy allocator: the fuzzers
// boot a machine per input, and a pass over every record was a measurable part of that.
// Returns the usable frame count and sets *reserved.
uint64_t init_meta(FrameMeta* meta, uint64_t limit, const Span* spans, size_t nspans,
                   uint64_t place, uint64_t need, bool ram_is_zero, uint64_t* reserved) {
    if (!ram_is_zero) {
        note_meta_written(0, limit);
        std::memset(static_cast<void*>(meta), 0, limit * sizeof(FrameMeta));
    }
    uint64_t usable = 0, prev_end = 0;
    for (size_t i = 0; i < nspans; ++i) {
        mark(meta, prev_end, spans[i].begin, FrameKind::kAbsent);  // the hole before it
        usable += spans[i].end - spans[i].begin;
        prev_end = spans[i].end;
    }
    *reserved = 0;
    // Frame 0 and the bookkeeping, where they are RAM (the bookkeeping always is).
    if (meta[0].kind == FrameKind::kFree) {
        mark(meta, 0, 1, FrameKind::kReserved);
        ++*reserved;
    }
    mark(meta, place, place + need, FrameKind::kReserved);
    *reserved += need;
    return usable;
}

// Hands every run of free frames (the usable spans less the reserved frames) to the buddy
// allocator.
void free_boot_runs(const Span* spans, size_t nspans, uint64_t place, uint64_t need,
                    bool poisoned) {
    for (size_t i = 0; i < nspans; ++i) {
        uint64_t begin = spans[i].begin == 0 ? 1 : spans[i].begin;
        uint64_t end = spans[i].end;
        if (begin >= end) continue;
        uint64_t cut_begin = place > begin ? place : begin;
        uint64_t cut_end = place + need < end ? place + need : end;
        if (cut_begin < cut_end) {  // the bookkeeping splits this span
            if (begin < cut_begin) buddy_add_boot_range(begin, cut_begin - begin, poisoned);
            if (cut_end < end) buddy_add_boot_range(cut_end, end - cut_end, poisoned);
        } else {
            buddy_add_boot_range(begin, end - begin, poisoned);
        }
    }
}

}  // namespace

void note_meta_written(uint64_t pfn, uint64_t count) {
    if (count == 0) return;
    constexpr uint64_t kPerPage = kPageSize / sizeof(FrameMeta);
    uint64_t first = pfn / kPerPage, last = (pfn + count - 1) / kPerPage;
    hal::note_frames_written(g_meta_base_pfn + first, last - first + 1);
}

void init_mm(const BootInfo& boot, bool ram_is_zero) {
    ORRERY_ASSERT(g_frame_meta == nullptr, "init_mm() twice without teardown_mm()");
    Span spans[kMaxSpans];
    size_t nspans = usable_spans(boot.memory_map, spans);
    uint64_t limit = nspans ? spans[nspans - 1].end : 0;
    ORRERY_ASSERT(limit * kPageSize <= hal::ram_size(), "memory map exceeds RAM");
    uint64_t state_frames = pages(sizeof(MmState));
    uint64_t meta_frames = pages(limit * sizeof(FrameMeta));
    uint64_t need = state_frames + meta_frames;

    // Place the bookkeeping in the first usable span (past frame 0) that holds it.
    uint64_t place = kNoPfn;
    for (size_t i = 0; i < nspans; ++i) {
        uint64_t first = spans[i].begin == 0 ? 1 : spans[i].begin;
        if (first + need <= spans[i].end) {
            place = first;
            break;
        }
    }
    ORRERY_ASSERT(place != kNoPfn, "no usable region holds the frame metadata (%lu frames)",
                  static_cast<unsigned long>(need));

    // SAFETY: [place, place + need) is usable RAM nobody else owns yet; MmState and FrameMeta
    // are constructed in place before use.
    std::byte* base = hal::phys_to_virt(Pfn(place).paddr());
    hal::note_frames_written(0, 1);  // frame 0: never handed out, but not ours to promise
    // The metadata pages are noted as their records are written (note_meta_written).
    hal::note_frames_written(place, state_frames);
    ORRERY_UNPOISON(base, need * kPageSize);
    if (!ram_is_zero) std::memset(base, 0, state_frames * kPageSize);
    auto* state = new (base) MmState();
    g_frame_meta = reinterpret_cast<FrameMeta*>(base + state_frames * kPageSize);
    g_meta_pfn_limit = limit;
    g_meta_base_pfn = place + state_frames;
    g_bookkeeping_pfn = place;
    g_bookkeeping_frames = need;

    uint64_t usable =
        init_meta(g_frame_meta, limit, spans, nspans, place, need, ram_is_zero, &g_reserved);
    buddy_init(&state->buddy, usable);
    g_buddy = &state->buddy;
    heap_init(&state->heap);
    g_heap = &state->heap;
    free_boot_runs(spans, nspans, place, need, hal::ram_arrives_poisoned());
}

void teardown_mm(bool tasks_were_frozen) {
    if (!g_frame_meta) return;
    uint64_t heap_live = heap_teardown();
    uint64_t leaked = buddy_total_frames() - buddy_free_frames() - g_reserved;
    g_last_report = MmLeakReport{leaked, heap_live};
#ifdef ORRERY_DEBUG
    if (leaked || heap_live) {
        ostd::log(tasks_were_frozen ? LogLevel::kDebug : LogLevel::kWarn,
                  "mm: %lu frames and %lu heap objects %s at shutdown",
                  static_cast<unsigned long>(leaked), static_cast<unsigned long>(heap_live),
                  tasks_were_frozen ? "held by frozen tasks" : "leaked");
        unsigned shown = 0;
        for (uint64_t p = 0; p < g_meta_pfn_limit && shown < 8; ++p) {
            FrameKind k = g_frame_meta[p].kind;
            if (k == FrameKind::kFree || k == FrameKind::kReserved || k == FrameKind::kAbsent)
                continue;
            ORRERY_LOG_DEBUG("mm: leaked frame %#lx (kind %u, refcount %u)",
                            static_cast<unsigned long>(p), static_cast<unsigned>(k),
                            g_frame_meta[p].refcount.load(std::memory_order_relaxed));
            ++shown;
        }
    }
#endif
    // Free frames stay poisoned: the backend that owns the RAM clears the poison when it
    // reuses or unmaps it (ostd-host ram.cpp), and init_mm() sets it from scratch. So is the
    // bookkeeping now, most of whose metadata pages the machine never wrote (the backend
    // resets only written frames): RAM handed on is poisoned throughout.
    ORRERY_POISON(hal::phys_to_virt(Pfn(g_bookkeeping_pfn).paddr()),
                  g_bookkeeping_frames * kPageSize);
    g_buddy = nullptr;
    g_heap = nullptr;
    g_frame_meta = nullptr;
    g_meta_pfn_limit = 0;
}

MmLeakReport last_mm_leak_report() {
    return g_last_report;
}

uint64_t mm_reserved_frames() {
    return g_reserved;
}

}  // namespace ostd::detail
