// Kernel log: levelled, printf-style, to the machine console; kept in a ring for inspection.
#pragma once

#include <ostd/common/format.h>

namespace ostd {

enum class LogLevel : int { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

/// Writes one line "[  time] level: message" when level <= log_level(). Safe in any context
/// (IRQ, spinlock held): formats into a stack buffer, no allocation.
void log(LogLevel level, const char* fmt, ...) ORRERY_PRINTF(2, 3);
void vlog(LogLevel level, const char* fmt, va_list ap);

LogLevel log_level();
void set_log_level(LogLevel level);

/// Raw console output with no prefix (for programs' stdout on the console).
void console_write(const char* s, size_t n);
/// printf to the console with no prefix.
void printk(const char* fmt, ...) ORRERY_PRINTF(1, 2);

}  // namespace ostd

#define ORRERY_LOG_ERROR(...) ::ostd::log(::ostd::LogLevel::kError, __VA_ARGS__)
#define ORRERY_LOG_WARN(...) ::ostd::log(::ostd::LogLevel::kWarn, __VA_ARGS__)
#define ORRERY_LOG_INFO(...) ::ostd::log(::ostd::LogLevel::kInfo, __VA_ARGS__)
#define ORRERY_LOG_DEBUG(...) ::ostd::log(::ostd::LogLevel::kDebug, __VA_ARGS__)
