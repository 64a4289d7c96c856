// Console input: the bytes typed at the machine's console (the host's stdin on the host
// backend, the serial port on bare metal), delivered through an IRQ line, plus the console
// terminal's window size. The kernel's tty driver is the only intended user.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <ostd/common/result.h>
#include <ostd/irq/irq.h>

namespace ostd::console {

/// Which end of the console is an interactive terminal (on the host: isatty).
enum class End : uint8_t { kInput, kOutput };
bool is_terminal(End end);

/// Starts console input and returns its IRQ line (disabled, no handlers: the caller adds a
/// handler and enables it). The line is raised after new bytes arrive, after the input ends
/// and after the terminal's window size changes; the handler then calls read_input(),
/// input_closed() and window_size(). The line belongs to the machine until it powers off.
/// Errors: ENODEV when the machine has no console input; EBUSY when already started; EBUSY
/// when no IRQ line is free. Precondition: task context of a running machine.
Result<IrqLine*> start_input();

/// Moves up to buf.size() received bytes into buf without blocking; returns the count.
/// Any context.
size_t read_input(std::span<char> buf);
/// True once the input has ended (host end-of-file) and every byte was read. Any context.
bool input_closed();

struct WindowSize {
    uint16_t rows;
    uint16_t cols;
};
/// The console terminal's size; ENOTTY when the console is not a terminal or does not know.
Result<WindowSize> window_size();

}  // namespace ostd::console
