// Native user engine, the user window: host addresses [kUserStart, kUserEnd) acting as the TLB
// of the one resident VmSpace. Residency rule: at most one VmSpace (by page-table root) has
// pages in the window; any number of vCPUs may run user code of it at once (threads of one
// process run in parallel), and a vCPU wanting another VmSpace sleeps until none runs the
// resident one, then evicts the window. Waiters for another space block new entries of the
// resident one, so a busy process cannot starve another (the watchdog bounds every stint).
#pragma once

#include <cstdint>

#include <ostd/common/types.h>
#include <ostd/mm/vm_space.h>

namespace ostd::host::native {

/// Reserves the window (PROT_NONE). False if something else already lives there.
bool window_start();
/// Releases the window. Precondition: no vCPU runs user code.
void window_stop();
bool window_active();

/// Makes `root`'s VmSpace resident and counts the caller as running its user code; sleeps while
/// another VmSpace has running vCPUs. Pair with release_residency(). Not under any spinlock.
void acquire_residency(Paddr root);
void release_residency(Paddr root);

/// Resolves a fault at `va` without the kernel: if the VmSpace (which the caller holds resident)
/// maps the page with rights allowing the access, installs the host mapping and returns true.
/// Otherwise *present says whether the VmSpace maps the page at all (the fault's P bit).
bool install_page(VmSpace& space, Vaddr va, bool write, bool fetch, bool* present);

/// hal::tlb_flush_range/all: drop resident host mappings of `root` (if it is the resident one).
void flush_range(Paddr root, Vaddr start, uint64_t len);
void flush_all(Paddr root);

/// Pages currently mapped in the window (for tests).
uint64_t resident_pages();

}  // namespace ostd::host::native
