// Memory bring-up: lays out [allocator state][frame metadata array] in the first usable RAM after
// frame 0, then hands every other usable frame to the buddy allocator.
#include "mm/init.h"

#include <cstring>
#include <new>

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

uint64_t pages(uint64_t bytes) {
    return (bytes + kPageSize - 1) / kPageSize;
}

// The per-frame loops of memory bring-up run at every boot (the fuzzers boot a machine per
// input) over thousands of records, and are not ASan-instrumented: the records were just
// unpoisoned and are indexed within [0, limit) by construction.

// Constructs `limit` empty records, then marks the frames of usable regions reserved (the
// bookkeeping at [place, place + need) and frame 0) or free. Returns the usable frame count
// and sets *reserved.
__attribute__((no_sanitize("address"))) uint64_t init_meta(FrameMeta* meta, uint64_t limit,
                                                           std::span<const MemoryRegion> map,
                                                           uint64_t place, uint64_t need,
                                                           uint64_t* reserved) {
    for (uint64_t i = 0; i < limit; ++i)
        new (&meta[i]) FrameMeta();
    uint64_t usable = 0;
    *reserved = 0;
    for (const MemoryRegion& r : map) {
        if (r.kind != MemoryRegionKind::kUsable) continue;
        uint64_t end = (r.base.value() + r.size) / kPageSize;
        for (uint64_t p = pages(r.base.value()); p < end; ++p) {
            FrameMeta& m = meta[p];
            if (m.kind != FrameKind::kAbsent) continue;  // overlapping regions count once
            bool bookkeeping = p == 0 || (p >= place && p < place + need);
            m.next = m.prev = kNoPfn;
            m.kind = bookkeeping ? FrameKind::kReserved : FrameKind::kFree;
            *reserved += bookkeeping;
            ++usable;
        }
    }
    return usable;
}

// Hands every run of free frames to the buddy allocator.
__attribute__((no_sanitize("address"))) void free_boot_runs(const FrameMeta* meta,
                                                            uint64_t limit, bool poisoned) {
    uint64_t run_start = 0, run = 0;
    for (uint64_t p = 0; p <= limit; ++p) {
        if (p < limit && meta[p].kind == FrameKind::kFree) {
            if (!run) run_start = p;
            ++run;
        } else if (run) {
            buddy_add_boot_range(run_start, run, poisoned);
            run = 0;
        }
    }
}

}  // namespace

void init_mm(const BootInfo& boot) {
    ORRERY_ASSERT(g_frame_meta == nullptr, "init_mm() twice without teardown_mm()");
    uint64_t limit = 0;
    for (const MemoryRegion& r : boot.memory_map) {
        uint64_t end = (r.base.value() + r.size) / kPageSize;
        if (r.kind == MemoryRegionKind::kUsable && end > limit) limit = end;
    }
    ORRERY_ASSERT(limit * kPageSize <= hal::ram_size(), "memory map exceeds RAM");
    uint64_t state_frames = pages(sizeof(MmState));
    uint64_t meta_frames = pages(limit * sizeof(FrameMeta));
    uint64_t need = state_frames + meta_frames;

    // Place the bookkeeping in the first usable region (past frame 0) that holds it.
    uint64_t place = kNoPfn;
    for (const MemoryRegion& r : boot.memory_map) {
        if (r.kind != MemoryRegionKind::kUsable) continue;
        uint64_t first = pages(r.base.value());
        if (first == 0) first = 1;
        uint64_t end = (r.base.value() + r.size) / kPageSize;
        if (first + need <= end) {
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
    hal::note_frames_written(place, need);
    ORRERY_UNPOISON(base, need * kPageSize);
    std::memset(base, 0, state_frames * kPageSize);
    auto* state = new (base) MmState();
    g_frame_meta = reinterpret_cast<FrameMeta*>(base + state_frames * kPageSize);
    g_meta_pfn_limit = limit;

    // One pass over the metadata (boot cost matters: the fuzzers boot a machine per input):
    // every record is constructed absent, then usable frames become reserved (bookkeeping) or
    // free (everything else), and each run of free frames goes to the buddy allocator at once.
    uint64_t usable = init_meta(g_frame_meta, limit, boot.memory_map, place, need, &g_reserved);
    buddy_init(&state->buddy, usable);
    g_buddy = &state->buddy;
    heap_init(&state->heap);
    g_heap = &state->heap;
    free_boot_runs(g_frame_meta, limit, hal::ram_arrives_poisoned());
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
    // reuses or unmaps it (ostd-host ram.cpp), and init_mm() sets it from scratch.
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
