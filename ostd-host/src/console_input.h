// Host console input, the machine-lifecycle side: machine.cpp enables it per machine and stops
// it (thread joined, terminal restored) when the machine powers off.
#pragma once

namespace ostd::host {

/// Whether the next machine's console has input (the host's stdin). Before boot.
void console_input_configure(bool enabled);
/// Stops the input thread if running, restores the host terminal and forgets buffered input.
void console_input_stop();
/// Restores the host terminal's settings now (async-signal-safe; panic paths).
void console_restore_terminal();

}  // namespace ostd::host
