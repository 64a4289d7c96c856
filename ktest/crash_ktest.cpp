// Deliberate kernel crashes: each must end in a readable panic report (exception name, faulting
// address, registers, symbolized backtrace) and QEMU exit status 255, never a triple fault.
// Bare metal only: on the host the same faults are sanitizer reports covered by death tests.
#include <ostd/ktest.h>

namespace {

__attribute__((noinline)) void touch_wild_pointer() {
    // An address in the non-canonical-free but unmapped upper half, below the direct map.
    auto* p = reinterpret_cast<volatile uint64_t*>(0xffff9000dead0000ull);
    *p = 42;
}

}  // namespace

KTEST_CRASH(Crash, PageFault) {
    touch_wild_pointer();
}

KTEST_CRASH(Crash, InvalidOpcode) {
    __builtin_trap();
}

namespace {

volatile uint64_t g_depth_limit = uint64_t{1} << 40;  // never reached: the stack ends first

__attribute__((noinline)) uint64_t recurse(uint64_t n) {
    if (n > g_depth_limit) return 0;
    volatile unsigned char frame[512];
    frame[n % sizeof frame] = static_cast<unsigned char>(n);
    return recurse(n + 1) + frame[(n * 7) % sizeof frame];
}

}  // namespace

KTEST_CRASH(Crash, KernelStackOverflow) {
    (void)recurse(0);
}
