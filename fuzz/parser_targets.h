// Bodies of the parser fuzz targets. Each runs inside a freshly booted deterministic machine
// (run_kernel_body) and feeds the input to one kernel parser through its public API.
#pragma once

#include <cstddef>
#include <cstdint>

namespace orrery::fuzz {

/// The initramfs cpio newc unpacker, under both error policies, into a fresh tmpfs.
void cpio_body(const uint8_t* data, size_t size);
/// The ELF validator, load planner and loader (into a fresh address space).
void elf_body(const uint8_t* data, size_t size);
/// Path walk: a fixed tree (dirs, files, symlinks, a loop, procfs-free) and a sequence of
/// lookups and namespace operations whose paths come from the input.
void pathwalk_body(const uint8_t* data, size_t size);

}  // namespace orrery::fuzz
