// Kernel stacks: each task stack gets a 1 MiB slot at kStackArea + slot * 1 MiB, mapped page by
// page at the top of the slot, so the pages below it (at least one) are an unmapped guard: an
// overflow faults, the fault cannot push its frame either, and the double fault (on its own IST
// stack) prints a report instead of corrupting memory. Page tables of the area are kept forever.
#include "kstack.h"

#include <atomic>

#include <ostd/mm/frame.h>
#include <ostd/task/preempt.h>

#include "hal/mem.h"
#include "mm/frame_raw.h"
#include "tlb.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {
namespace {

constexpr uint64_t kStackArea = 0xffffc00000000000ull;  // PML4 slot 384
constexpr unsigned kStackPml4Index = 384;
constexpr uint64_t kSlotSize = 1u << 20;
constexpr unsigned kMaxSlots = 65536;
constexpr uint64_t kTableFlags = 0x3;                              // present, writable
constexpr uint64_t kLeafFlags = 0x3 | (1ull << 8) | (1ull << 63);  // + global, no-execute
constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;

alignas(4096) uint64_t g_pdpt[512];
std::atomic<bool> g_lock{false};
uint32_t g_free[kMaxSlots];
unsigned g_nfree = 0;
unsigned g_next = 0;

// The area's lock. Preemption is off while it is held (table allocation may reach a safe point),
// so a task cannot be switched out holding it.
struct Guard {
    Guard() {
        preempt_disable();
        while (g_lock.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
    }
    ~Guard() {
        g_lock.store(false, std::memory_order_release);
        preempt_enable();
    }
};

uint64_t* table_at(uint64_t entry) {
    return reinterpret_cast<uint64_t*>(hal::phys_to_virt(Paddr(entry & kAddrMask)));
}

// The PTE for va, allocating the PD/PT on the way when `alloc`. Null if absent (or ENOMEM).
uint64_t* pte_of(uint64_t va, bool alloc) {
    uint64_t* t = g_pdpt;
    for (unsigned shift : {30u, 21u}) {
        uint64_t& e = t[(va >> shift) & 511];
        if (!(e & 1)) {
            if (!alloc) return nullptr;
            auto f = Frame::alloc();
            if (f.is_error()) return nullptr;
            f.value().fill_zero(0, kPageSize);
            e = f.value().paddr().value() | kTableFlags;
            (void)FrameRaw::into_raw(std::move(f.value()));  // owned by the table forever
        }
        t = table_at(e);
    }
    return &t[(va >> 12) & 511];
}

void unmap_pages(uint64_t bottom, uint64_t pages) {
    for (uint64_t i = 0; i < pages; ++i) {
        uint64_t* e = pte_of(bottom + i * kPageSize, false);
        if (!e || !(*e & 1)) continue;
        uint64_t pfn = (*e & kAddrMask) >> 12;
        *e = 0;
        (void)FrameRaw::from_raw(pfn);  // drops the stack's reference
    }
}

}  // namespace

void kstack_area_init() {
    bm_boot_pml4[kStackPml4Index] =
        (reinterpret_cast<uint64_t>(g_pdpt) - kKernelVma) | kTableFlags;
}

void kstack_prefill_tables(unsigned slots) {
    Guard g;
    for (uint64_t va = kStackArea; va < kStackArea + uint64_t{slots} * kSlotSize; va += 2u << 20)
        (void)pte_of(va, true);  // out of memory this early would fail later allocations anyway
}

Result<std::byte*> kstack_alloc(size_t size) {
    uint64_t pages = (size + kPageSize - 1) / kPageSize;
    if (pages == 0 || pages > kSlotSize / kPageSize - 1) return Error(EINVAL, "stack too large");
    uint64_t slot;
    {
        Guard g;
        if (g_nfree) {
            slot = g_free[--g_nfree];
        } else if (g_next < kMaxSlots) {
            slot = g_next++;
        } else {
            return Error(ENOMEM, "no kernel stack slot");
        }
    }
    uint64_t top = kStackArea + (slot + 1) * kSlotSize;
    uint64_t bottom = top - pages * kPageSize;
    for (uint64_t i = 0; i < pages; ++i) {
        uint64_t* e;
        auto f = Frame::alloc();
        {
            Guard g;
            e = f.is_ok() ? pte_of(bottom + i * kPageSize, true) : nullptr;
        }
        if (!e) {
            Guard g;
            unmap_pages(bottom, i);
            g_free[g_nfree++] = static_cast<uint32_t>(slot);
            return Error(ENOMEM, "kernel stack");
        }
        *e = f.value().paddr().value() | kLeafFlags;
        (void)FrameRaw::into_raw(std::move(f.value()));
    }
    return reinterpret_cast<std::byte*>(bottom);
}

void kstack_free(std::byte* bottom, size_t size) {
    uint64_t va = reinterpret_cast<uint64_t>(bottom);
    uint64_t pages = (size + kPageSize - 1) / kPageSize;
    {
        Guard g;
        unmap_pages(va, pages);
    }
    // Global kernel translations: invlpg here and on every other CPU before the slot is reused.
    flush_kernel_range(va, pages * kPageSize);
    Guard g;
    g_free[g_nfree++] = static_cast<uint32_t>((va - kStackArea) / kSlotSize);
}

bool kstack_is_guard(uint64_t va) {
    if (va < kStackArea || va >= kStackArea + uint64_t{kMaxSlots} * kSlotSize) return false;
    uint64_t* e = pte_of(va, false);
    return !e || !(*e & 1);
}

}  // namespace ostd::bm

namespace ostd::bm {

bool kstack_is_mapped(uint64_t va) {
    if (va < kStackArea || va >= kStackArea + uint64_t{kMaxSlots} * kSlotSize) return false;
    uint64_t* e = pte_of(va, false);
    return e && (*e & 1);
}

}  // namespace ostd::bm
