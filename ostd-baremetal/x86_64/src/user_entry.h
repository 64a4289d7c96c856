// Hooks from interrupt entry into the user-mode engine (backend-private).
#pragma once

#include "trap.h"

namespace ostd::bm {

/// A CPU exception taken in user mode; true if the user engine consumed it.
bool user_exception(TrapFrame& f);
/// An interrupt arrived while user code ran (the engine may want to leave user mode).
void user_interrupted(TrapFrame& f);

}  // namespace ostd::bm
