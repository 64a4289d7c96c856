// Symbol lookup over the embedded table: a sorted array of (address, name offset) followed by
// the demangled names, written by scripts/gen-ksyms into the reserved .ksyms section.
#include "symbols.h"

#include <ostd/common/format.h>

#include "kstack.h"
#include "serial.h"
#include "x86.h"

// A zero-filled hole the build overwrites in place (its size is fixed at link time).
__attribute__((section(".ksyms"), used)) static unsigned char g_ksyms_hole[1 << 20];

extern "C" const unsigned char __ksyms_start[];
extern "C" const unsigned char __image_start[];
extern "C" const unsigned char __image_end[];

namespace ostd::bm {
namespace {

constexpr uint64_t kMagic = 0x3130304d59534b4full;  // "OKSYM001" little-endian

struct Header {
    uint64_t magic;
    uint64_t count;
};
struct Entry {
    uint64_t addr;
    uint64_t name;  // offset from the start of the table
};

const Header* table() {
    auto* h = reinterpret_cast<const Header*>(__ksyms_start);
    return h->magic == kMagic ? h : nullptr;
}

}  // namespace

size_t symbol_count() {
    const Header* h = table();
    return h ? h->count : 0;
}

void symbolize(uint64_t addr, char* buf, size_t size) {
    const Header* h = table();
    if (h && h->count) {
        auto* e = reinterpret_cast<const Entry*>(h + 1);
        size_t lo = 0, hi = h->count;  // find the last entry with e.addr <= addr
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (e[mid].addr <= addr) lo = mid; else hi = mid;
        }
        if (e[lo].addr <= addr && addr - e[lo].addr < (1u << 20)) {
            const char* name = reinterpret_cast<const char*>(h) + e[lo].name;
            format(buf, size, "%s+%#lx", name, addr - e[lo].addr);
            return;
        }
    }
    format(buf, size, "%#lx", addr);
}

void print_backtrace_from(uint64_t rbp) {
    auto lo = reinterpret_cast<uint64_t>(__image_start);
    char sym[200];
    for (int depth = 0; depth < 32; ++depth) {
        // Frames live on kernel stacks: task stacks, the image's .bss or the direct map.
        bool ok = (rbp >= kDirectMapBase && rbp < kDirectMapBase + kDirectMapSize) ||
                  (rbp >= lo && rbp < reinterpret_cast<uint64_t>(__image_end)) ||
                  (kstack_is_mapped(rbp) && kstack_is_mapped(rbp + 8));
        if (!ok || (rbp & 7)) break;
        auto* fp = reinterpret_cast<const uint64_t*>(rbp);
        uint64_t ret = fp[1];
        if (ret < lo) break;
        symbolize(ret - 1, sym, sizeof sym);
        serial_printf("    #%d %016lx %s\n", depth, ret, sym);
        if (fp[0] <= rbp) break;  // stacks grow down: the caller's frame is above
        rbp = fp[0];
    }
}

}  // namespace ostd::bm
