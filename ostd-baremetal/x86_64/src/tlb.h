// Kernel-range TLB invalidation on every CPU (backend-private).
#pragma once

#include <cstdint>

namespace ostd::bm {

/// Invalidates [start, start + len) of the kernel half here and on every other online CPU
/// (global pages included) and returns once all have done so.
void flush_kernel_range(uint64_t start, uint64_t len);

}  // namespace ostd::bm
