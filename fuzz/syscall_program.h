// The syscall fuzzer's program model: input bytes decode, call by call, into Linux syscalls
// with typed arguments (syscalls.def kinds) that a scripted init issues through the real kernel.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd-host/scripted.h>

namespace orrery::fuzz {

/// Upper bound of syscalls one input may issue (with its fork children): the syscall budget.
inline constexpr int kMaxCalls = 96;

/// What an input did, for exact-replay checks: number of calls and a digest of every
/// (number, arguments, result) triple in issue order.
struct ProgramResult {
    int calls = 0;
    uint64_t digest = 0xcbf29ce484222325ull;  // FNV-1a offset basis
    void mix(uint64_t v);
};

/// Decodes `data` and issues the calls from `u` (the init process). Forked children run
/// the calls that follow their fork byte up to their own budget. Returns the exit code.
int run_syscall_program(ostd::host::ScriptedUser& u, const uint8_t* data, size_t size,
                        ProgramResult* result);

/// The two-byte little-endian selector value that picks syscall `name` (its number), or -1
/// when the generator never issues it. Seed corpora and dictionaries are written with it.
int selector_for(const char* name);

}  // namespace orrery::fuzz
