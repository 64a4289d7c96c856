// Kernel heap: per-size-class slab caches (one frame per slab, free list threaded through the
// free objects, a bump pointer for never-used ones) and whole-frame large allocations.
#include <ostd/mm/heap.h>

#include <bit>

#include "hal/mem.h"
#include "mm/asan.h"
#include "mm/buddy.h"
#include "mm/heap_state.h"

namespace ostd {
namespace detail {

HeapState* g_heap = nullptr;

namespace {

constexpr uint32_t kNoObject = ~uint32_t{0};

/// Slab bookkeeping in the frame's metadata slot.
struct SlabMeta {
    uint32_t cls;
    uint32_t inuse;
    uint32_t free_head;  // offset of the first free object, or kNoObject
    uint32_t bump;       // offset of the first never-allocated object
    uint32_t on_partial;
};
/// Head frame of a large allocation.
struct LargeMeta {
    uint64_t nframes;
};

template <typename M>
M& slot_of(FrameMeta& m) {
    static_assert(sizeof(M) <= kMetaSlotSize);
    // SAFETY: the slot is 32 bytes, 16-aligned; the frame kind (kSlab/kHeapLarge) says which
    // type the heap stored there.
    return *reinterpret_cast<M*>(m.slot);
}

constexpr uint32_t class_size(unsigned cls) {
    return uint32_t{heap::kMinSlabSize} << cls;
}

std::byte* page_bytes(uint64_t pfn) {
    return hal::phys_to_virt(Pfn(pfn).paddr());
}

void partial_push_locked(SlabClass& c, uint64_t pfn) ORRERY_REQUIRES(c.lock) {
    FrameMeta& m = meta_of(pfn);
    m.prev = kNoPfn;
    m.next = c.partial_head;
    if (m.next != kNoPfn) meta_of(m.next).prev = pfn;
    c.partial_head = pfn;
    slot_of<SlabMeta>(m).on_partial = 1;
}

void partial_remove_locked(SlabClass& c, uint64_t pfn) ORRERY_REQUIRES(c.lock) {
    FrameMeta& m = meta_of(pfn);
    if (m.prev != kNoPfn)
        meta_of(m.prev).next = m.next;
    else
        c.partial_head = m.next;
    if (m.next != kNoPfn) meta_of(m.next).prev = m.prev;
    m.next = m.prev = kNoPfn;
    slot_of<SlabMeta>(m).on_partial = 0;
}

void* alloc_small(unsigned cls) {
    SlabClass& c = g_heap->classes[cls];
    uint32_t size = class_size(cls);
    for (;;) {
        {
            SpinLockGuard g(c.lock);
            uint64_t pfn = c.partial_head;
            if (pfn != kNoPfn) {
                FrameMeta& m = meta_of(pfn);
                SlabMeta& s = slot_of<SlabMeta>(m);
                std::byte* obj;
                if (s.free_head != kNoObject) {
                    obj = page_bytes(pfn) + s.free_head;
                    ORRERY_UNPOISON(obj, size);
                    s.free_head = *reinterpret_cast<uint32_t*>(obj);
                } else {
                    obj = page_bytes(pfn) + s.bump;
                    ORRERY_UNPOISON(obj, size);
                    s.bump += size;
                }
                ++s.inuse;
                if (s.free_head == kNoObject && s.bump == kPageSize) partial_remove_locked(c, pfn);
                ++c.live;
                return obj;
            }
        }
        // No partial slab: make one outside the class lock, then retry.
        uint64_t pfn = buddy_alloc(0, FrameKind::kSlab);
        if (pfn == kNoPfn) return nullptr;
        FrameMeta& m = meta_of(pfn);
        slot_of<SlabMeta>(m) = SlabMeta{cls, 0, kNoObject, 0, 0};
        ORRERY_POISON(page_bytes(pfn), kPageSize);
        SpinLockGuard g(c.lock);
        partial_push_locked(c, pfn);
        ++c.slabs;
    }
}

void* alloc_large(size_t size, size_t align) {
    uint64_t n = (size + kPageSize - 1) / kPageSize;
    uint64_t align_frames = align > kPageSize ? align / kPageSize : 1;
    unsigned order = static_cast<unsigned>(std::bit_width(n - 1));
    unsigned align_order = static_cast<unsigned>(std::countr_zero(align_frames));
    if (align_order > order) order = align_order;
    if (order > kMaxOrder) return nullptr;
    uint64_t pfn = buddy_alloc(order, FrameKind::kHeapLarge);
    if (pfn == kNoPfn) return nullptr;
    uint64_t block = uint64_t{1} << order;
    if (n < block) buddy_free_range(pfn + n, block - n);
    FrameMeta& m = meta_of(pfn);
    m.type_tag = 1;  // marks the head frame
    slot_of<LargeMeta>(m).nframes = n;
    ORRERY_ASSERT(reinterpret_cast<uintptr_t>(page_bytes(pfn)) % (align_frames * kPageSize) == 0,
                  "direct map not aligned to the largest buddy block");
    g_heap->large_frames.fetch_add(n, std::memory_order_relaxed);
    g_heap->large_live.fetch_add(1, std::memory_order_relaxed);
    return page_bytes(pfn);
}

#if defined(ORRERY_DEBUG) && !defined(ORRERY_ASAN)
bool on_free_list_locked(uint64_t pfn, uint32_t off) {
    SlabMeta& s = slot_of<SlabMeta>(meta_of(pfn));
    for (uint32_t o = s.free_head; o != kNoObject;
         o = *reinterpret_cast<uint32_t*>(page_bytes(pfn) + o))
        if (o == off) return true;
    return false;
}
#endif

void free_small(void* p, uint64_t pfn, uint32_t off) {
    FrameMeta& m = meta_of(pfn);
    unsigned cls = slot_of<SlabMeta>(m).cls;
    uint32_t size = class_size(cls);
    if (off % size != 0) panic("heap::free(%p): pointer inside an object", p);
    SlabClass& c = g_heap->classes[cls];
    bool release = false;
    {
        SpinLockGuard g(c.lock);
        SlabMeta& s = slot_of<SlabMeta>(m);
        if (off >= s.bump || ORRERY_IS_POISONED(p)) panic("double free of heap object %p", p);
#if defined(ORRERY_DEBUG) && !defined(ORRERY_ASAN)
        if (on_free_list_locked(pfn, off)) panic("double free of heap object %p", p);
#endif
        *static_cast<uint32_t*>(p) = s.free_head;
        s.free_head = off;
        ORRERY_POISON(p, size);
        --s.inuse;
        --c.live;
        if (s.inuse == 0 && (c.partial_head != pfn || m.next != kNoPfn)) {
            // Empty and not the class's last partial slab: give the frame back.
            if (s.on_partial) partial_remove_locked(c, pfn);
            --c.slabs;
            release = true;
        } else if (!s.on_partial) {
            partial_push_locked(c, pfn);
        }
    }
    if (release) buddy_free_range(pfn, 1);
}

}  // namespace

void heap_init(HeapState* state) {
    new (state) HeapState();
    for (auto& c : state->classes) {
        SpinLockGuard g(c.lock);
        c.partial_head = kNoPfn;
        c.live = 0;
        c.slabs = 0;
    }
    state->large_frames = 0;
    state->large_live = 0;
}

uint64_t heap_teardown() {
    uint64_t live = g_heap->large_live.load();
    for (auto& c : g_heap->classes) {
        SpinLockGuard g(c.lock);
        live += c.live;
        uint64_t pfn = c.partial_head;
        while (pfn != kNoPfn) {
            uint64_t next = meta_of(pfn).next;
            if (slot_of<SlabMeta>(meta_of(pfn)).inuse == 0) {
                partial_remove_locked(c, pfn);
                --c.slabs;
                buddy_free_range(pfn, 1);
            }
            pfn = next;
        }
    }
    return live;
}

}  // namespace detail

namespace heap {

using namespace ostd::detail;

void* alloc(size_t size, size_t align) {
    if (size == 0 || !std::has_single_bit(align)) return nullptr;
    size_t eff = size > align ? size : align;
    if (eff <= kMaxSlabSize) {
        unsigned cls =
            static_cast<unsigned>(std::bit_width((eff < kMinSlabSize ? kMinSlabSize : eff) - 1)) -
            4;
        return alloc_small(cls);
    }
    return alloc_large(size, align);
}

namespace {
uint64_t checked_pfn(const void* p, uint32_t* off) {
    const std::byte* base = hal::phys_to_virt(Paddr(0));
    auto* b = static_cast<const std::byte*>(p);
    if (b < base || b >= base + hal::ram_size())
        panic("heap::free(%p): pointer outside the kernel heap", p);
    uint64_t pa = static_cast<uint64_t>(b - base);
    *off = static_cast<uint32_t>(pa & (kPageSize - 1));
    return pa >> kPageShift;
}
}  // namespace

void free(void* p) {
    if (!p) return;
    uint32_t off;
    uint64_t pfn = checked_pfn(p, &off);
    FrameMeta& m = meta_of(pfn);
    if (m.kind == FrameKind::kSlab) return free_small(p, pfn, off);
    if (m.kind == FrameKind::kHeapLarge && m.type_tag == 1 && off == 0) {
        uint64_t n = slot_of<LargeMeta>(m).nframes;
        m.type_tag = 0;
        g_heap->large_frames.fetch_sub(n, std::memory_order_relaxed);
        g_heap->large_live.fetch_sub(1, std::memory_order_relaxed);
        buddy_free_range(pfn, n);
        return;
    }
    if (m.kind == FrameKind::kFree) panic("double free of heap object %p", p);
    panic("heap::free(%p): pointer the heap did not allocate", p);
}

size_t usable_size(const void* p) {
    uint32_t off;
    uint64_t pfn = checked_pfn(p, &off);
    FrameMeta& m = meta_of(pfn);
    if (m.kind == FrameKind::kSlab) return class_size(slot_of<SlabMeta>(m).cls);
    ORRERY_ASSERT(m.kind == FrameKind::kHeapLarge && m.type_tag == 1 && off == 0,
                  "usable_size of a non-heap pointer");
    return slot_of<LargeMeta>(m).nframes * kPageSize;
}

HeapStats stats() {
    HeapStats s{g_heap->large_live.load(), 0, g_heap->large_frames.load()};
    for (auto& c : g_heap->classes) {
        SpinLockGuard g(c.lock);
        s.live_objects += c.live;
        s.slab_frames += c.slabs;
    }
    return s;
}

}  // namespace heap
}  // namespace ostd
