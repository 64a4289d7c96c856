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

}  // namespace ostd::hal
