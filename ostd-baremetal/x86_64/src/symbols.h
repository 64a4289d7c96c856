// Kernel symbol table embedded in the image (.ksyms, filled after linking by
// scripts/gen-ksyms) and frame-pointer backtraces symbolized with it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ostd::bm {

/// Writes "function+0xoff" for a code address into buf (or the raw address if unknown).
void symbolize(uint64_t addr, char* buf, size_t size);
/// Walks the rbp chain from `rbp` and prints one symbolized line per frame.
void print_backtrace_from(uint64_t rbp);
/// Number of symbols in the embedded table (0 if the build did not fill it).
size_t symbol_count();

}  // namespace ostd::bm
