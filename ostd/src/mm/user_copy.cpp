// The software MMU path of user copies: translate each page through the page tables (present,
// user, writable), copy through the direct map, and ask the fault handler once per failing page.
#include <cstring>

#include "mm/user_access.h"

#include <ostd/mm/vm_space.h>

#include "hal/mem.h"
#include "mm/page_table.h"

namespace ostd {
namespace {
constexpr unsigned kPagesPerLock = 16;
}  // namespace

std::byte* VmSpace::translate_locked(uint64_t va, AccessKind access, bool* present) const {
    *present = false;
    if (va < kUserStart.value() || va >= kUserEnd.value()) return nullptr;
    uint64_t* e = pt_->leaf(va);
    if (!e) return nullptr;
    *present = detail::pte_used(*e);
    constexpr uint64_t kNeed = detail::kPteP | detail::kPteUs;
    if ((*e & kNeed) != kNeed) return nullptr;
    if (access == AccessKind::kWrite) {
        if (!(*e & detail::kPteRw)) return nullptr;
        *e |= detail::kPteA | detail::kPteD;  // what the MMU would record
    } else {
        *e |= detail::kPteA;
    }
    return hal::phys_to_virt(Paddr(*e & detail::kPteAddrMask)) + (va & (kPageSize - 1));
}

bool VmSpace::resolve_fault(uint64_t va, AccessKind access, bool present, uint64_t* retried) {
    uint64_t page = va & ~uint64_t{kPageSize - 1};
    if (page == *retried) return false;  // the handler already had its chance for this page
    *retried = page;
    return handle_page_fault(Vaddr(page), PageFaultInfo{access, present}).is_ok();
}

size_t VmSpace::copy_user(uint64_t va, std::byte* kout, const std::byte* kin, size_t len,
                          AccessKind access, bool* fault) {
    *fault = false;
    size_t done = 0;
    uint64_t retried = ~uint64_t{0};
    while (done < len) {
        bool present = false;
        bool stopped = false;
        {
            // The lock is held across the memcpy: it keeps the mapping (and so the frame) alive,
            // and direct-map copies never fault. It is dropped every kPagesPerLock pages to bound
            // the time other CPUs spin on this space.
            SpinLockGuard g(lock_);
            for (unsigned pages = 0; done < len && pages < kPagesPerLock; ++pages) {
                uint64_t cur = va + done;
                if (cur < va) {  // wrapped around the address space
                    stopped = true;
                    break;
                }
                size_t chunk = kPageSize - (cur & (kPageSize - 1));
                if (chunk > len - done) chunk = len - done;
                std::byte* p = translate_locked(cur, access, &present);
                if (!p) {
                    stopped = true;
                    break;
                }
                // SAFETY: p points into a present user frame in the direct map, with `chunk`
                // bytes left in that frame; the lock keeps the mapping (and frame) alive.
                detail::UserAccessScope user_memory;
                if (access == AccessKind::kRead)
                    std::memcpy(kout + done, p, chunk);
                else if (kin)
                    std::memcpy(p, kin + done, chunk);
                else
                    std::memset(p, 0, chunk);
                done += chunk;
            }
        }
        if (done == len) break;
        if (!stopped) continue;  // just a lock break
        uint64_t cur = va + done;
        if (cur < va || !resolve_fault(cur, access, present, &retried)) {
            *fault = true;
            break;
        }
    }
    return done;
}

size_t VmSpace::copy_user_cstring(uint64_t va, char* buf, size_t len, bool* fault,
                                  bool* found_nul) {
    *fault = false;
    *found_nul = false;
    size_t done = 0;
    uint64_t retried = ~uint64_t{0};
    while (done < len) {
        bool present = false;
        {
            SpinLockGuard g(lock_);
            while (done < len) {
                uint64_t cur = va + done;
                if (cur < va) break;
                size_t chunk = kPageSize - (cur & (kPageSize - 1));
                if (chunk > len - done) chunk = len - done;
                std::byte* p = translate_locked(cur, AccessKind::kRead, &present);
                if (!p) break;
                // SAFETY: as in copy_user(); the scan stays inside this page.
                const void* nul = std::memchr(p, 0, chunk);
                size_t n =
                    nul ? static_cast<size_t>(static_cast<const std::byte*>(nul) - p) + 1 : chunk;
                std::memcpy(buf + done, p, n);
                done += n;
                if (nul) {
                    *found_nul = true;
                    return done;
                }
            }
        }
        if (done == len) break;
        uint64_t cur = va + done;
        if (cur < va || !resolve_fault(cur, AccessKind::kRead, present, &retried)) {
            *fault = true;
            break;
        }
    }
    return done;
}

}  // namespace ostd
