// hal: the machine console (stdout on the host, the serial port on bare metal).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ostd::hal {

/// Writes bytes to the console. Must work in any context, including panic and IRQ.
void console_write(const char* s, size_t n);

/// Writes kernel diagnostics (log lines, panics). On the host this is stderr, so program output on
/// the console stays clean; on bare metal it is the same serial port.
void diag_write(const char* s, size_t n);

}  // namespace ostd::hal

namespace ostd::hal {

/// Console input (the host's stdin; a UART receiver on bare metal). Begins delivering input:
/// after new bytes, the end of input or a window-size change the backend calls `on_event` from
/// its own thread (as a device raises its IRQ line). False when the machine has no console
/// input or it is already started.
bool console_input_start(void (*on_event)());
/// Moves up to n received bytes into buf without blocking; returns the count. Any context.
size_t console_input_read(char* buf, size_t n);
/// True once the input ended (host EOF) and every byte was read.
bool console_input_closed();
/// The terminal's size, if the console is a terminal that knows it.
bool console_window_size(uint16_t* rows, uint16_t* cols);
/// Whether the console's input / output end is an interactive terminal.
bool console_is_terminal(bool output);

}  // namespace ostd::hal
