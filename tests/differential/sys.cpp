// Sys's backend-independent half: transcript records and memory helpers. Allocation-free, since
// the host backend may run with the process's brk moved by the program.
#include "sys.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace orrery::difftest {

namespace {

// Copies label into out (no spaces: they separate fields), returns bytes written.
size_t put_label(char* out, size_t cap, const char* label) {
    while (*label == ' ') ++label;  // Indentation in a program is for its reader only.
    size_t n = 0;
    for (; label[n] && n + 1 < cap; ++n) out[n] = label[n] == ' ' ? '_' : label[n];
    return n;
}

}  // namespace

int64_t Sys::record(Kind kind, const char* label, int64_t value) {
    char line[kMaxLine];
    line[0] = static_cast<char>(kind);
    line[1] = ' ';
    size_t n = 2 + put_label(line + 2, 200, label);
    int m = snprintf(line + n, sizeof line - n, " %" PRId64, value);
    emit(line, n + static_cast<size_t>(m));
    return value;
}

void Sys::bytes(const char* label, const void* data, size_t len) {
    char line[kMaxLine];
    line[0] = static_cast<char>(Kind::kBytes);
    line[1] = ' ';
    size_t n = 2 + put_label(line + 2, 200, label);
    line[n++] = ' ';
    const auto* p = static_cast<const unsigned char*>(data);
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < len && n + 3 < sizeof line; ++i) {
        line[n++] = kHex[p[i] >> 4];
        line[n++] = kHex[p[i] & 15];
    }
    emit(line, n);
}

void Sys::note(const char* label, const char* text) {
    char line[kMaxLine];
    line[0] = static_cast<char>(Kind::kNote);
    line[1] = ' ';
    size_t n = 2 + put_label(line + 2, 200, label);
    line[n++] = ' ';
    for (size_t i = 0; text[i] && n + 1 < sizeof line; ++i)
        line[n++] = text[i] == '\n' ? ' ' : text[i];
    emit(line, n);
}

int64_t Sys::sigaction(int sig, uint64_t handler, uint64_t flags, uint64_t mask, uint64_t oact) {
    constexpr uint64_t kSaRestorer = 0x04000000;
    constexpr uint64_t kRtSigaction = 13;
    uint64_t act[4] = {handler, flags | kSaRestorer, restorer(), mask};
    uint64_t a = scratch(sizeof act);
    put(a, act, sizeof act);
    return call(kRtSigaction, static_cast<uint64_t>(sig), a, oact, 8);
}

uint64_t Sys::get_u64(uint64_t addr) {
    uint64_t v = 0;
    get(addr, &v, sizeof v);
    return v;
}

uint32_t Sys::get_u32(uint64_t addr) {
    uint32_t v = 0;
    get(addr, &v, sizeof v);
    return v;
}

uint64_t Sys::put_string(const char* s) {
    size_t n = strlen(s) + 1;
    uint64_t a = scratch(n);
    put(a, s, n);
    return a;
}

}  // namespace orrery::difftest
