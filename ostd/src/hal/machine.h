// hal: machine-wide control: stop, backtraces.
#pragma once

namespace ostd::hal {

/// Prints a backtrace of the current CPU's stack to the console (best effort).
void print_backtrace();

/// Stops the machine because of a panic. Does not return. On the host this is abort(), so
/// sanitizers, death tests and fuzzers observe a crash.
[[noreturn]] void halt_on_panic();

/// Stops the machine normally with an exit status. Does not return.
[[noreturn]] void power_off(int status);

}  // namespace ostd::hal
