// hal: the machine console (stdout on the host, the serial port on bare metal).
#pragma once

#include <cstddef>

namespace ostd::hal {

/// Writes bytes to the console. Must work in any context, including panic and IRQ.
void console_write(const char* s, size_t n);

/// Writes kernel diagnostics (log lines, panics). On the host this is stderr, so program output on
/// the console stays clean; on bare metal it is the same serial port.
void diag_write(const char* s, size_t n);

}  // namespace ostd::hal
