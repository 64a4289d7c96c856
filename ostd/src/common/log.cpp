// Kernel log: formats into a stack buffer and writes one line to the console.
#include <ostd/common/log.h>

#include <atomic>

#include "hal/console.h"

namespace ostd {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

const char* level_name(LogLevel level) {
    switch (level) {
        case LogLevel::kError: return "error";
        case LogLevel::kWarn: return "warn";
        case LogLevel::kInfo: return "info";
        case LogLevel::kDebug: return "debug";
        case LogLevel::kTrace: return "trace";
    }
    return "?";
}

}  // namespace

LogLevel log_level() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }
void set_log_level(LogLevel level) {
    g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

void vlog(LogLevel level, const char* fmt, va_list ap) {
    if (static_cast<int>(level) > static_cast<int>(log_level())) return;
    char line[512];
    size_t n = format(line, sizeof line, "[orrery %s] ", level_name(level));
    if (n >= sizeof line) n = sizeof line - 1;
    size_t m = vformat(line + n, sizeof line - n, fmt, ap);
    n = (n + m < sizeof line - 1) ? n + m : sizeof line - 2;
    line[n++] = '\n';
    hal::diag_write(line, n);
}

void log(LogLevel level, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

void console_write(const char* s, size_t n) { hal::console_write(s, n); }

void printk(const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hal::console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

}  // namespace ostd
