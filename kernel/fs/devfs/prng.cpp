// xoshiro256** (Blackman and Vigna) with splitmix64 seeding, and the shared kernel instance.
#include <kernel/fs/devfs/prng.h>
#include <ostd/boot/boot_info.h>
#include <ostd/sync/spinlock.h>

namespace kernel::fs::devfs {

namespace {
uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}
}  // namespace

Xoshiro256::Xoshiro256(uint64_t seed) {
    for (uint64_t& s : s_)
        s = splitmix64(seed);
}

uint64_t Xoshiro256::next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

void Xoshiro256::fill(std::span<std::byte> out) {
    size_t i = 0;
    while (i < out.size()) {
        uint64_t v = next();
        for (int b = 0; b < 8 && i < out.size(); ++b, ++i)
            out[i] = std::byte(v >> (8 * b));
    }
}

namespace {
ostd::SpinLock g_lock;
bool g_seeded ORRERY_GUARDED_BY(g_lock) = false;
uint64_t g_seed_used ORRERY_GUARDED_BY(g_lock) = 0;
Xoshiro256 g_rng ORRERY_GUARDED_BY(g_lock){0};
}  // namespace

void random_bytes(std::span<std::byte> out) {
    uint64_t seed = ostd::boot_info().random_seed;
    ostd::SpinLockGuard g(g_lock);
    // A new machine (tests boot many in one process) brings a new seed: reseed then.
    if (!g_seeded || g_seed_used != seed) {
        g_rng = Xoshiro256(seed);
        g_seeded = true;
        g_seed_used = seed;
    }
    g_rng.fill(out);
}

}  // namespace kernel::fs::devfs
