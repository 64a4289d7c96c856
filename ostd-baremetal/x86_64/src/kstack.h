// Kernel task stacks with guard pages, mapped with 4 KiB pages in their own kernel area
// (backend-private).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>

namespace ostd::bm {

/// Installs the stack area's top-level entry in the boot tables. Before any CPU's tables exist.
void kstack_area_init();
/// Builds the area's page tables for the first `slots` stacks up front (after the frame
/// allocator is up), so that common task counts never allocate tables later.
void kstack_prefill_tables(unsigned slots);
/// Maps a stack of `size` bytes (rounded up to pages) with an unmapped guard page below it.
/// Returns its lowest byte. ENOMEM when out of frames or slots, EINVAL when larger than a slot.
Result<std::byte*> kstack_alloc(size_t size);
/// Unmaps and frees a stack from kstack_alloc() (TLB entries shot down on every CPU).
void kstack_free(std::byte* bottom, size_t size);
/// True if `va` lies in the stack area but not in a mapped page (a guard or a free slot).
bool kstack_is_guard(uint64_t va);
/// True if `va` lies in a mapped page of the stack area.
bool kstack_is_mapped(uint64_t va);

}  // namespace ostd::bm
