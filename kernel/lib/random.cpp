// ChaCha20 block function (RFC 8439) in counter mode over a key derived from the boot seed.
#include <kernel/lib/random.h>

#include <ostd/sync/spinlock.h>

namespace kernel {
namespace {

struct State {
    uint32_t key[8] = {};
    uint64_t counter = 0;
    uint8_t block[64] = {};
    size_t used = 64;
};

ostd::SpinLock g_lock;
State g_state ORRERY_GUARDED_BY(g_lock);

constexpr uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

// The block function only touches its own fixed-size arrays: it is left out of ASan's checks,
// which kept x[] in memory and made getrandom of a few MiB (a fuzz input filling RAM) take
// ~100 ms of an input's time.
__attribute__((always_inline)) inline void quarter(uint32_t* x, int a, int b, int c, int d) {
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

__attribute__((no_sanitize("address"))) void chacha_block(const uint32_t key[8], uint64_t counter,
                                                           uint8_t out[64]) {
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; ++i) in[4 + i] = key[i];
    in[12] = static_cast<uint32_t>(counter);
    in[13] = static_cast<uint32_t>(counter >> 32);
    in[14] = in[15] = 0;
    uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = in[i];
    for (int round = 0; round < 10; ++round) {
        quarter(x, 0, 4, 8, 12); quarter(x, 1, 5, 9, 13);
        quarter(x, 2, 6, 10, 14); quarter(x, 3, 7, 11, 15);
        quarter(x, 0, 5, 10, 15); quarter(x, 1, 6, 11, 12);
        quarter(x, 2, 7, 8, 13); quarter(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i) {
        uint32_t v = x[i] + in[i];
        for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<uint8_t>(v >> (8 * b));
    }
}

}  // namespace

void random_init(uint64_t seed) {
    ostd::SpinLockGuard g(g_lock);
    g_state = State{};
    // Spread the 64-bit seed over the key with a splitmix64 sequence.
    uint64_t z = seed;
    for (int i = 0; i < 8; i += 2) {
        z += 0x9e3779b97f4a7c15ull;
        uint64_t v = z;
        v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
        v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
        v ^= v >> 31;
        g_state.key[i] = static_cast<uint32_t>(v);
        g_state.key[i + 1] = static_cast<uint32_t>(v >> 32);
    }
}

void random_bytes(void* buf, size_t n) {
    auto* out = static_cast<uint8_t*>(buf);
    ostd::SpinLockGuard g(g_lock);
    while (n > 0) {
        if (g_state.used == 64 && n >= 64) {
            // Whole blocks go straight to the caller (the same stream, never held here).
            chacha_block(g_state.key, g_state.counter++, out);
            out += 64;
            n -= 64;
            continue;
        }
        if (g_state.used == 64) {
            chacha_block(g_state.key, g_state.counter++, g_state.block);
            g_state.used = 0;
        }
        size_t take = 64 - g_state.used < n ? 64 - g_state.used : n;
        __builtin_memcpy(out, g_state.block + g_state.used, take);
        // Erase what was handed out so it cannot be read back from kernel memory.
        __builtin_memset(g_state.block + g_state.used, 0, take);
        g_state.used += take;
        out += take;
        n -= take;
    }
}

uint64_t random_u64() {
    uint64_t v;
    random_bytes(&v, sizeof v);
    return v;
}

}  // namespace kernel
