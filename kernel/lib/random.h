// The kernel's random number generator: ChaCha20 keyed from the boot seed, used by getrandom(2),
// /dev/urandom and AT_RANDOM. Deterministic for a given seed (fuzzing replays).
#pragma once

#include <cstddef>
#include <cstdint>

namespace kernel {

/// (Re)keys the generator from `seed` (BootInfo::random_seed at boot).
void random_init(uint64_t seed);
/// Fills buf with n random bytes. Thread-safe; never fails.
void random_bytes(void* buf, size_t n);
uint64_t random_u64();

}  // namespace kernel
