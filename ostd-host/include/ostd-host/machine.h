// The host backend's front door: configure and boot an emulated machine inside this process.
// Used by the orrery CLI, tests, fuzzers and benchmarks; never by kernel/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <ostd/boot/entry.h>
#include <ostd/common/result.h>

namespace ostd::host {

struct MachineConfig {
    /// Bytes of emulated RAM (a memfd). Rounded up to whole pages.
    uint64_t mem_bytes = uint64_t{256} << 20;
    /// Number of vCPUs (host threads). Forced to 1 in deterministic mode.
    unsigned cpus = 1;
    /// One vCPU, virtual clock advanced by the scheduler, seeded randomness, no async signals.
    bool deterministic = false;
    uint64_t seed = 0;
    /// Deterministic mode: stop with ostd::kMachineHungStatus once the virtual clock passes
    /// this (or every task sleeps with no timer armed). 0 = no limit (a deadlock panics).
    uint64_t virtual_time_limit_ns = 0;
    /// The host's stdin is the console's input (raw mode when it is a terminal, restored at
    /// exit). Off for tests and fuzzers, whose stdin is not the user's.
    bool console_input = false;
    /// Support native (trapped) user code: reserves the user window, installs the signal
    /// handlers and a watchdog thread per machine and runs every vCPU on a thread of its own.
    /// Machines that only run scripted users (fuzzers) turn it off: their boot is cheaper and a
    /// single vCPU runs on the caller's thread.
    bool native_user = true;
    std::string command_line;
    std::vector<std::byte> initramfs;
};

/// Boots a machine, runs `entry` as the first kernel task and returns its exit status (or the
/// status given to power_off()). One machine runs at a time per process; a new one may be booted
/// after the previous returned. RAM and all ostd state are torn down on return.
int run_machine(const MachineConfig& config, KernelMain entry);

/// Parses "256M", "1G", "4096", "64K" into bytes. EINVAL on junk, ERANGE on overflow.
Result<uint64_t> parse_size(const char* text);

}  // namespace ostd::host
