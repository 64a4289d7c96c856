// printf-style formatting without libc, for logs, panics and procfs text.
// Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', ' ', '+', '#', width, precision
// (for strings and integers), and the length modifiers hh h l ll z t j.
#pragma once

#include <cstdarg>
#include <cstddef>

#if defined(__clang__) || defined(__GNUC__)
#define ORRERY_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define ORRERY_PRINTF(fmt_index, first_arg)
#endif

namespace ostd {

/// Formats into buf (always NUL-terminated when size > 0). Returns the length the full output
/// would have had, like vsnprintf, so callers can detect truncation.
size_t vformat(char* buf, size_t size, const char* fmt, va_list ap);
size_t format(char* buf, size_t size, const char* fmt, ...) ORRERY_PRINTF(3, 4);

}  // namespace ostd
