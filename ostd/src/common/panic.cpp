// panic(): report a broken invariant with a backtrace and stop the machine.
#include <ostd/common/panic.h>

#include <atomic>

#include "hal/console.h"
#include "hal/machine.h"

namespace ostd {
namespace {

std::atomic<bool> g_panicking{false};

[[noreturn]] void vpanic(const char* prefix, const char* fmt, va_list ap) {
    char buf[1024];
    size_t n = format(buf, sizeof buf, "%s", prefix);
    if (n < sizeof buf) n += vformat(buf + n, sizeof buf - n, fmt, ap);
    if (n > sizeof buf - 2) n = sizeof buf - 2;
    buf[n++] = '\n';
    // A panic while panicking (e.g. in the backtrace) must not recurse forever.
    bool again = g_panicking.exchange(true);
    hal::diag_write(buf, n);
    if (!again) hal::print_backtrace();
    hal::halt_on_panic();
}

}  // namespace

void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vpanic("PANIC: ", fmt, ap);
}

namespace detail {

void assert_failed(const char* expr, const char* file, int line, const char* fmt, ...) {
    char where[384];
    format(where, sizeof where, "PANIC: assertion failed: %s at %s:%d%s", expr, file, line,
           fmt ? ": " : "");
    va_list ap;
    va_start(ap, fmt);
    vpanic(where, fmt ? fmt : "", ap);
}

}  // namespace detail
}  // namespace ostd
