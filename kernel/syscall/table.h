// The queryable syscall table generated from syscalls.def: what exists, with which arguments,
// and how far each call is implemented. Read-only, constant-initialised, no locking needed.
#pragma once

#include <cstddef>
#include <cstdint>

#include <kernel/syscall/arg_kind.h>

namespace kernel::syscall {

enum class SyscallStatus : uint8_t {
    kEnosys,       ///< not implemented: dispatch returns -ENOSYS
    kPartial,      ///< implemented for common cases; some flags or modes return an error
    kImplemented,  ///< implemented as Linux documents it
};

inline constexpr size_t kMaxSyscallArgs = 6;

/// Syscall numbers by their Linux names: sysno::openat == 257.
namespace sysno {
enum : int {
#define ORRERY_SYSCALL(nr, name, ...) name = nr,
#include <kernel/syscall/syscalls.def>
#undef ORRERY_SYSCALL
};
}  // namespace sysno

/// One row of the table.
struct SyscallInfo {
    int nr;
    const char* name;  ///< Linux name without prefix ("openat")
    SyscallStatus status;
    ArgKind args[kMaxSyscallArgs];  ///< unused slots are ArgKind::None

    /// Number of arguments the call takes (0..6).
    constexpr int arg_count() const {
        int n = 0;
        while (n < static_cast<int>(kMaxSyscallArgs) && args[n] != ArgKind::None)
            ++n;
        return n;
    }
};

/// Highest syscall number in the table; numbers above it are unknown.
int max_syscall_nr();

/// Number of rows (numbers with a Linux syscall, whatever their status).
size_t syscall_count();

/// The i-th row in ascending number order. Precondition: i < syscall_count() (panics otherwise).
const SyscallInfo& syscall_at(size_t i);

/// The row for a number, or nullptr when no Linux syscall has it (gaps, negatives, > max).
const SyscallInfo* find_syscall(int64_t nr);

/// The row for a name ("openat"), or nullptr. Linear scan: for tools and tests, not hot paths.
const SyscallInfo* find_syscall(const char* name);

/// "enosys", "partial" or "implemented".
const char* status_name(SyscallStatus status);

struct StatusCounts {
    size_t enosys = 0;
    size_t partial = 0;
    size_t implemented = 0;
    size_t total() const { return enosys + partial + implemented; }
};

/// How many rows are in each status (for `orrery syscalls`).
StatusCounts status_counts();

}  // namespace kernel::syscall
