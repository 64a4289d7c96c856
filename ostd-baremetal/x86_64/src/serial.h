// The serial port (COM1) and early formatted output for the bare-metal backend.
#pragma once

#include <cstddef>

namespace ostd::bm {

/// Programs COM1 for 115200 8N1. Call once, first thing at boot.
void serial_init();
/// Writes bytes (\n becomes \r\n). Any context, including exceptions and panics.
void serial_write(const char* s, size_t n);
/// printf-style output straight to the serial port (no log prefix), usable before the heap.
void serial_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/// Moves received bytes into the console input buffer and signals the console (timer tick).
void serial_poll_input();
/// Identity of the calling CPU for the serial writer lock (works before per-CPU data exists).
int serial_cpu_id();

}  // namespace ostd::bm
