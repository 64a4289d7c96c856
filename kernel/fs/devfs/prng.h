// The kernel's pseudo-random generator behind /dev/random and /dev/urandom: xoshiro256**,
// seeded through splitmix64 from BootInfo::random_seed. Not cryptographic; deterministic for a
// given seed (which deterministic mode relies on).
#pragma once

#include <cstdint>
#include <span>

namespace kernel::fs::devfs {

class Xoshiro256 {
public:
    explicit Xoshiro256(uint64_t seed);
    uint64_t next();
    void fill(std::span<std::byte> out);

private:
    uint64_t s_[4];
};

/// Fills `out` from the shared kernel generator (seeded at first use). Any task context.
void random_bytes(std::span<std::byte> out);

}  // namespace kernel::fs::devfs
