// The buddy allocator: power-of-two blocks of physical frames, orders 0..kMaxOrder, with free
// lists threaded through the frame metadata. Its state lives in RAM (see init.cpp).
// Lock order: any VmSpace lock -> heap class lock -> BuddyState::lock.
#pragma once

#include <cstdint>

#include <ostd/sync/spinlock.h>

#include "mm/frame_meta.h"

namespace ostd::detail {

inline constexpr unsigned kMaxOrder = 10;

struct BuddyState {
    SpinLock lock;
    uint64_t free_head[kMaxOrder + 1] ORRERY_GUARDED_BY(lock);
    uint64_t free_frames ORRERY_GUARDED_BY(lock);
    uint64_t total_frames;  // usable frames in the memory map; fixed after init
};

/// The allocator of the running machine, set by init_mm() (points into RAM).
extern BuddyState* g_buddy;

/// Resets `state` to empty lists. Frames become allocatable through buddy_free_range().
void buddy_init(BuddyState* state, uint64_t total_frames);

/// Allocates a naturally aligned block of 2^order frames, sets their kind to `kind` with a zero
/// refcount and unpoisons them. Returns the first pfn, or kNoPfn when no block is free.
/// Locking: takes the buddy lock; callers may hold VmSpace or heap locks.
uint64_t buddy_alloc(unsigned order, FrameKind kind);

/// Returns [pfn, pfn + count) to the allocator, merging buddies and poisoning the memory.
/// Panics ("double free of frame ...") if any frame in the range is already free.
void buddy_free_range(uint64_t pfn, uint64_t count);

/// Boot-time bulk insert: [pfn, pfn + count) has never been handed out and its metadata already
/// says kFree (not a free-list head). Poisons the range once (unless `poisoned` says the hal did)
/// and links it as the largest aligned blocks, without buddy_free_range's per-frame double-free
/// checks or merge attempts.
void buddy_add_boot_range(uint64_t pfn, uint64_t count, bool poisoned);

uint64_t buddy_free_frames();
uint64_t buddy_total_frames();

/// Number of free blocks of exactly `order` (tests observe splitting and merging with it).
uint64_t buddy_free_blocks(unsigned order);

}  // namespace ostd::detail
