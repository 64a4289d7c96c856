// Shared helpers for the mm tests: run a body inside a freshly booted small machine.
#pragma once

#include <gtest/gtest.h>

#include "kernel_env.h"

namespace orrery::testing {

/// Boots a 32 MiB machine, runs body, and expects a clean exit.
inline void in_kernel(const std::function<void()>& body, uint64_t mem_mib = 32) {
    auto config = small_machine();
    config.mem_bytes = mem_mib << 20;
    ASSERT_EQ(run_in_kernel(body, config), 0);
}

}  // namespace orrery::testing
