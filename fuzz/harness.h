// Runs one fuzz input on a freshly booted deterministic machine: the reset-per-input method.
// Every input boots the real kernel from scratch (fresh RAM, fresh ostd and kernel state), so
// no state can leak from one input to the next.
#pragma once

#include <cstddef>
#include <cstdint>

#include "syscall_program.h"

namespace orrery::fuzz {

/// How an input ended.
enum class Outcome : uint8_t {
    kExited,  ///< init exited (or was killed: status 128+sig)
    kHung,    ///< stopped by the virtual-time budget (every task asleep past it, or busy)
};

struct RunResult {
    Outcome outcome = Outcome::kExited;
    int status = 0;  ///< the machine's exit status
    ProgramResult program;
};

struct RunOptions {
    bool trace = false;  ///< strace-like kernel trace of every syscall on the console
    uint64_t seed = 1;
    uint64_t mem_bytes = uint64_t{8} << 20;  // small RAM: cheaper boot (ORRERY_FUZZ_MEM)
    uint64_t virtual_time_limit_ns = uint64_t{2} * 1000 * 1000 * 1000;
    /// Count the whole machine's coverage: the boot before the input and the process exit and
    /// power-off after it. Every input boots the same way and most of its shutdown is the same
    /// too, so by default (like syzkaller's per-syscall KCOV) only what runs while the program
    /// runs is counted: the counters are cleared once the machine is up and the input starts,
    /// and for the syscall target put back as they were when the program finished once the
    /// machine is off. The shutdown still runs, under the sanitizers, for every input.
    bool machine_coverage = false;
};

/// Boots a deterministic machine whose init runs the syscall program decoded from data.
RunResult run_syscall_input(const uint8_t* data, size_t size, const RunOptions& options = {});

/// Boots a deterministic machine and runs `body` as the kernel entry (parser targets).
int run_kernel_body(void (*body)(const uint8_t*, size_t), const uint8_t* data, size_t size,
                    const RunOptions& options = {});

/// Clears SanitizerCoverage's inline 8-bit counters (what libFuzzer reads after an input);
/// does nothing in builds without them.
void clear_coverage_counters();

/// Saves the counters / puts the saved values back (the syscall target's end of program).
void save_coverage_counters();
void restore_coverage_counters();

/// Quietens the kernel log for fuzzing (warnings and errors only) unless ORRERY_FUZZ_VERBOSE.
void fuzz_init_logging();

/// A hang is an ordinary outcome unless ORRERY_FUZZ_HANG_IS_CRASH=1 (then it aborts, so the
/// fuzzer records it as a crash).
void report_outcome(const RunResult& r);

}  // namespace orrery::fuzz
