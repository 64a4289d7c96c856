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
    /// Deterministic mode only, 0 = none: once the virtual clock passes this many ns, or when
    /// every task sleeps with no timer armed, the machine stops with kMachineHungStatus instead
    /// of running on (or panicking on the deadlock). Fuzzers use it to find hangs.
    uint64_t virtual_time_limit_ns = 0;
};

/// The exit status of a deterministic machine stopped by its virtual_time_limit_ns. Outside
/// the 0..255 range of init exit statuses so callers can tell a hang from an exit.
inline constexpr int kMachineHungStatus = 0x1000;

/// The BootInfo of the running machine. Valid from kernel entry until power-off.
const BootInfo& boot_info();

/// Finds "key=value" in the command line; returns the value or an empty view.
std::string_view boot_arg(std::string_view key);

}  // namespace ostd
