// ktest: kernel tests written once and run on both backends. On the host each KTEST is a gtest
// that boots a small machine and runs the body as the kernel's first task; on bare metal the
// image runs every KTEST at boot when the command line says `ktest` (see ostd-baremetal) and
// prints gtest-like results on the serial port. Checks never abort the machine: they record a
// failure (file, line, values) and KASSERT_* also returns from the test body.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include <ostd/common/format.h>

namespace ostd::ktest {

/// One registered test. `crash` tests deliberately bring the machine down (page fault, ud2):
/// they only run when selected by name, in a boot of their own.
struct Case {
    const char* suite;
    const char* name;
    void (*fn)();
    bool crash;
};

/// Records a failed check in the running test and prints it. Any task, not IRQ context.
void fail(const char* file, int line, const char* fmt, ...) ORRERY_PRINTF(3, 4);
/// Failed checks since the last reset().
unsigned failures();
void reset();

/// Runs the registered cases that match `filter` ("" or "*": every non-crash case;
/// "Suite.*"; "Suite.Name", which also selects a crash case) in link order, printing
/// "[ RUN ]/[ OK ]/[ FAILED ]" lines and a final "ktest: N passed, M failed" line. A case
/// that leaks heap objects or frames fails. Returns the number of failed cases (bare metal: the
/// registry exists only in the image; on the host it is empty).
int run_all(std::string_view filter);

/// Host backend only (tests/support): boots a machine and runs fn inside it.
void run_on_host(void (*fn)());

template <typename T>
long long show(const T& v) {
    if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
        return static_cast<long long>(v);
    } else if constexpr (std::is_pointer_v<T>) {
        return static_cast<long long>(reinterpret_cast<uintptr_t>(v));
    } else {
        return 0;
    }
}

}  // namespace ostd::ktest

#define ORRERY_KTEST_FN(suite, name) ktest_##suite##_##name

#if defined(ORRERY_BAREMETAL)
#define ORRERY_KTEST_REGISTER(suite, name, crash)                                             \
    static void ORRERY_KTEST_FN(suite, name)();                                                \
    __attribute__((section("ktests"), used)) static const ::ostd::ktest::Case                  \
        ktest_case_##suite##_##name{#suite, #name, &ORRERY_KTEST_FN(suite, name), crash};      \
    static void ORRERY_KTEST_FN(suite, name)()
#define KTEST(suite, name) ORRERY_KTEST_REGISTER(suite, name, false)
/// A test that must crash the machine with a readable report (bare metal only: on the host
/// the same faults are sanitizer reports, covered by death tests).
#define KTEST_CRASH(suite, name) ORRERY_KTEST_REGISTER(suite, name, true)
#elif defined(ORRERY_KTEST_GTEST)
#include <gtest/gtest.h>
#define KTEST(suite, name)                                                                     \
    static void ORRERY_KTEST_FN(suite, name)();                                                \
    TEST(suite, name) { ::ostd::ktest::run_on_host(&ORRERY_KTEST_FN(suite, name)); }           \
    static void ORRERY_KTEST_FN(suite, name)()
#define KTEST_CRASH(suite, name) [[maybe_unused]] static void ORRERY_KTEST_FN(suite, name)()
#endif

#define ORRERY_KCHECK(cond, on_fail, ...)                                                      \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            ::ostd::ktest::fail(__FILE__, __LINE__, __VA_ARGS__);                              \
            on_fail;                                                                           \
        }                                                                                      \
    } while (0)
#define ORRERY_KCMP(a, op, b, on_fail)                                                         \
    do {                                                                                       \
        auto&& ka_ = (a);                                                                      \
        auto&& kb_ = (b);                                                                      \
        if (!(ka_ op kb_)) {                                                                   \
            ::ostd::ktest::fail(__FILE__, __LINE__, "expected %s %s %s (%lld vs %lld)", #a, #op, \
                                #b, ::ostd::ktest::show(ka_), ::ostd::ktest::show(kb_));       \
            on_fail;                                                                           \
        }                                                                                      \
    } while (0)

#define KEXPECT(cond) ORRERY_KCHECK(cond, (void)0, "expected %s", #cond)
#define KASSERT(cond) ORRERY_KCHECK(cond, return, "expected %s", #cond)
#define KEXPECT_EQ(a, b) ORRERY_KCMP(a, ==, b, (void)0)
#define KEXPECT_NE(a, b) ORRERY_KCMP(a, !=, b, (void)0)
#define KEXPECT_LT(a, b) ORRERY_KCMP(a, <, b, (void)0)
#define KEXPECT_LE(a, b) ORRERY_KCMP(a, <=, b, (void)0)
#define KEXPECT_GT(a, b) ORRERY_KCMP(a, >, b, (void)0)
#define KEXPECT_GE(a, b) ORRERY_KCMP(a, >=, b, (void)0)
#define KASSERT_EQ(a, b) ORRERY_KCMP(a, ==, b, return)
#define KASSERT_NE(a, b) ORRERY_KCMP(a, !=, b, return)
#define KASSERT_GE(a, b) ORRERY_KCMP(a, >=, b, return)
/// A Result that must be ok / an error with the given errno.
#define KEXPECT_OK(r) ORRERY_KCHECK((r).is_ok(), (void)0, "expected %s to succeed", #r)
#define KASSERT_OK(r) ORRERY_KCHECK((r).is_ok(), return, "expected %s to succeed", #r)
#define KEXPECT_ERRNO(r, e)                                                                    \
    ORRERY_KCHECK((r).is_error() && (r).error().code() == (e), (void)0,                        \
                  "expected %s to fail with %s", #r, #e)
