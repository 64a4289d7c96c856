// Bare-metal physical memory bookkeeping shared by boot and mem.cpp (backend-private).
#pragma once

#include <cstdint>

namespace ostd::bm {

/// End of the highest usable RAM region handed to ostd (bytes).
extern uint64_t g_ram_top;

}  // namespace ostd::bm
