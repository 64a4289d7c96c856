// What the boot loader (or the host backend) hands the kernel: memory, command line, initramfs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <ostd/common/types.h>

namespace ostd {

enum class MemoryRegionKind : uint8_t { kUsable, kReserved, kKernel, kInitramfs, kFramebuffer };

struct MemoryRegion {
    Paddr base;
    uint64_t size;
    MemoryRegionKind kind;
};

struct BootInfo {
    /// Physical memory map, sorted by base, non-overlapping.
    std::span<const MemoryRegion> memory_map;
    /// Kernel command line ("init=/bin/sh loglevel=3 ..."), not NUL-terminated.
    std::string_view command_line;
    /// The initramfs image (cpio newc) as bytes readable by the kernel, or empty.
    std::span<const std::byte> initramfs;
    /// Number of CPUs brought up.
    unsigned num_cpus = 1;
    /// True in deterministic mode: one CPU, virtual clock, seeded randomness.
    bool deterministic = false;
    /// Seed for the kernel's random number generator (fixed in deterministic mode).
    uint64_t random_seed = 0;
    /// Wall-clock time at boot, ns since the Unix epoch (fixed in deterministic mode), so the
    /// kernel's CLOCK_REALTIME is boot_wall_ns + time::now().
    uint64_t boot_wall_ns = 0;
};

/// The BootInfo of the running machine. Valid from kernel entry until power-off.
const BootInfo& boot_info();

/// Finds "key=value" in the command line; returns the value or an empty view.
std::string_view boot_arg(std::string_view key);

}  // namespace ostd
