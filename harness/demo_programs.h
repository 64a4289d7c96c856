// Built-in scripted user programs (the default init and small demos) for `orrery run`.
#pragma once

namespace orrery::harness {

/// Registers every built-in scripted program with the host backend ("init", ...).
void register_demo_programs();

}  // namespace orrery::harness
