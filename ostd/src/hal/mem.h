// hal: physical memory as seen by ostd: a direct map of all RAM.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/types.h>

namespace ostd::hal {

/// Kernel-accessible pointer to physical address pa (the direct map). pa must lie in RAM.
std::byte* phys_to_virt(Paddr pa);

/// Inverse of phys_to_virt() for pointers inside the direct map.
Paddr virt_to_phys(const void* p);

/// Total bytes of RAM (physical addresses [0, ram_size()) are RAM on the host backend).
uint64_t ram_size();

/// Frames [pfn, pfn + count) may be written from now on: the frame allocator handed them out
/// or memory bring-up keeps its bookkeeping there. Every other frame stays as the machine
/// found it, which the host backend relies on to reset only these frames between machines.
/// Called with the frame allocator's lock held (or before any task runs); must not allocate.
void note_frames_written(uint64_t pfn, uint64_t count);

/// True when the machine starts with all of RAM already poisoned for ASan (the host backend
/// re-poisons the RAM it hands from one machine to the next): memory bring-up then unpoisons its
/// bookkeeping and skips poisoning the free frames. False where there is no ASan.
bool ram_arrives_poisoned();

/// True when every frame of RAM reads as zero at machine start (the host backend's RAM: a fresh
/// memfd, or the last machine's with its written frames zeroed). Memory bring-up then writes
/// only the frame records that differ from a zero one.
bool ram_arrives_zeroed();

}  // namespace ostd::hal
