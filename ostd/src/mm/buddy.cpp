// Buddy allocator over the frame metadata array: split on allocation, merge on free.
#include "mm/buddy.h"

#include <bit>

#include "hal/mem.h"
#include "mm/asan.h"

namespace ostd::detail {

BuddyState* g_buddy = nullptr;

namespace {

void push_locked(BuddyState& b, uint64_t pfn, unsigned order) ORRERY_REQUIRES(b.lock) {
    note_meta_written(pfn, 1);
    FrameMeta& m = meta_of(pfn);
    m.is_free_head = 1;
    m.order = static_cast<uint8_t>(order);
    m.prev = kNoPfn;
    m.next = b.free_head[order];
    if (m.next != kNoPfn) meta_of(m.next).prev = pfn;
    b.free_head[order] = pfn;
}

void remove_locked(BuddyState& b, uint64_t pfn, unsigned order) ORRERY_REQUIRES(b.lock) {
    FrameMeta& m = meta_of(pfn);
    if (m.prev != kNoPfn)
        meta_of(m.prev).next = m.next;
    else
        b.free_head[order] = m.next;
    if (m.next != kNoPfn) meta_of(m.next).prev = m.prev;
    m.is_free_head = 0;
    m.next = m.prev = kNoPfn;
}

// The order of the largest block that starts at pfn (aligned to its size, at most kMaxOrder)
// and fits in count frames: how a run of frames is cut into buddy blocks.
unsigned largest_block_order(uint64_t pfn, uint64_t count) {
    unsigned order = static_cast<unsigned>(std::countr_zero(pfn | (uint64_t{1} << kMaxOrder)));
    unsigned fit = static_cast<unsigned>(63 - std::countl_zero(count));
    return fit < order ? fit : order;
}

void free_block_locked(BuddyState& b, uint64_t pfn, unsigned order) ORRERY_REQUIRES(b.lock) {
    uint64_t n = uint64_t{1} << order;
    note_meta_written(pfn, n);
    for (uint64_t i = 0; i < n; ++i) {
        FrameMeta& m = meta_of(pfn + i);
        m.kind = FrameKind::kFree;
        m.is_free_head = 0;
        m.type_tag = 0;
    }
    ORRERY_POISON(hal::phys_to_virt(Pfn(pfn).paddr()), n * kPageSize);
    b.free_frames += n;
    while (order < kMaxOrder) {
        uint64_t buddy = pfn ^ (uint64_t{1} << order);
        if (buddy + (uint64_t{1} << order) > meta_pfn_limit()) break;
        FrameMeta& bm = meta_of(buddy);
        if (bm.kind != FrameKind::kFree || !bm.is_free_head || bm.order != order) break;
        remove_locked(b, buddy, order);
        pfn &= ~(uint64_t{1} << order);
        ++order;
    }
    push_locked(b, pfn, order);
}

}  // namespace

void buddy_init(BuddyState* state, uint64_t total_frames) {
    new (state) BuddyState();
    SpinLockGuard g(state->lock);
    for (auto& h : state->free_head)
        h = kNoPfn;
    state->free_frames = 0;
    state->total_frames = total_frames;
}

uint64_t buddy_alloc(unsigned order, FrameKind kind) {
    if (order > kMaxOrder) return kNoPfn;
    BuddyState& b = *g_buddy;
    uint64_t pfn = kNoPfn;
    {
        SpinLockGuard g(b.lock);
        unsigned o = order;
        while (o <= kMaxOrder && b.free_head[o] == kNoPfn)
            ++o;
        if (o > kMaxOrder) return kNoPfn;
        pfn = b.free_head[o];
        remove_locked(b, pfn, o);
        while (o > order) {  // split: keep the lower half, free the upper one
            --o;
            push_locked(b, pfn + (uint64_t{1} << o), o);
        }
        uint64_t n = uint64_t{1} << order;
        b.free_frames -= n;
        hal::note_frames_written(pfn, n);
        note_meta_written(pfn, n);
        for (uint64_t i = 0; i < n; ++i) {
            FrameMeta& m = meta_of(pfn + i);
            m.kind = kind;
            m.refcount.store(0, std::memory_order_relaxed);
            m.type_tag = 0;
            m.next = m.prev = kNoPfn;
        }
    }
    ORRERY_UNPOISON(hal::phys_to_virt(Pfn(pfn).paddr()), (uint64_t{1} << order) * kPageSize);
    return pfn;
}

void buddy_free_range(uint64_t pfn, uint64_t count) {
    BuddyState& b = *g_buddy;
    SpinLockGuard g(b.lock);
    for (uint64_t i = 0; i < count; ++i) {
        FrameKind k = meta_of(pfn + i).kind;
        if (k == FrameKind::kFree)
            panic("double free of frame %#lx", static_cast<unsigned long>(pfn + i));
        ORRERY_ASSERT(k != FrameKind::kAbsent, "freeing frame %#lx that is not RAM",
                      static_cast<unsigned long>(pfn + i));
    }
    while (count > 0) {
        unsigned order = largest_block_order(pfn, count);
        free_block_locked(b, pfn, order);
        pfn += uint64_t{1} << order;
        count -= uint64_t{1} << order;
    }
}

void buddy_add_boot_range(uint64_t pfn, uint64_t count, bool poisoned) {
    BuddyState& b = *g_buddy;
    SpinLockGuard g(b.lock);
    if (!poisoned) ORRERY_POISON(hal::phys_to_virt(Pfn(pfn).paddr()), count * kPageSize);
    b.free_frames += count;
    while (count > 0) {
        unsigned order = largest_block_order(pfn, count);
        // Ranges arrive in ascending order and separated by frames that are not free, so the
        // buddy of a block carved here is never a free block already (no merge to try).
        push_locked(b, pfn, order);
        pfn += uint64_t{1} << order;
        count -= uint64_t{1} << order;
    }
}

uint64_t buddy_free_frames() {
    SpinLockGuard g(g_buddy->lock);
    return g_buddy->free_frames;
}

uint64_t buddy_total_frames() {
    return g_buddy->total_frames;
}

uint64_t buddy_free_blocks(unsigned order) {
    SpinLockGuard g(g_buddy->lock);
    uint64_t n = 0;
    for (uint64_t p = g_buddy->free_head[order]; p != kNoPfn; p = meta_of(p).next)
        ++n;
    return n;
}

}  // namespace ostd::detail
