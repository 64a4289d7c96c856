// Hooks from interrupt entry into the user-mode engine (backend-private).
#pragma once

#include "trap.h"

namespace ostd::bm {

/// A CPU exception taken in user mode: records it in the running UserMode and returns to the
/// kernel (from UserMode::execute). Does not return here.
[[noreturn]] bool user_exception(TrapFrame& f);
/// An interrupt arrived while user code ran (already acknowledged): leave user mode so the
/// kernel reaches a safe point. Does not return.
[[noreturn]] void user_interrupted(TrapFrame& f);
/// Prints how often user mode was entered by sysret and by iret (at power-off).
void print_user_entry_stats();

}  // namespace ostd::bm
