// panic() and assertions: for broken kernel invariants only, never for bad user input.
#pragma once

#include <ostd/common/format.h>

namespace ostd {

/// Prints "PANIC: <message>" and a backtrace to the console, then stops the machine with a
/// non-zero status (on the host: abort(), so sanitizers and fuzzers see a crash).
[[noreturn]] void panic(const char* fmt, ...) ORRERY_PRINTF(1, 2);

namespace detail {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line,
                                const char* fmt = nullptr, ...) ORRERY_PRINTF(4, 5);
}  // namespace detail

}  // namespace ostd

/// Always-on check of a kernel invariant. Optional printf-style message naming the invariant.
#define ORRERY_ASSERT(cond, ...)                                                   \
    do {                                                                           \
        if (!(cond)) [[unlikely]]                                                  \
            ::ostd::detail::assert_failed(#cond, __FILE__, __LINE__ __VA_OPT__(, ) \
                                              __VA_ARGS__);                        \
    } while (0)

/// Checked only in debug builds (ORRERY_DEBUG); compiles to nothing otherwise.
#ifdef ORRERY_DEBUG
#define ORRERY_DEBUG_ASSERT(cond, ...) ORRERY_ASSERT(cond __VA_OPT__(, ) __VA_ARGS__)
#else
#define ORRERY_DEBUG_ASSERT(cond, ...) \
    do {                               \
        (void)sizeof(cond);            \
    } while (0)
#endif
