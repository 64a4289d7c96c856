// 16550 UART on COM1 (0x3f8), polled: the console and the diagnostics channel on bare metal.
// Writers are serialised by a raw spin flag so lines from different CPUs do not interleave
// mid-write; a panic on the CPU holding it writes anyway rather than deadlock.
#include <atomic>

#include "hal/console.h"
#include "serial.h"
#include "x86.h"

namespace ostd::bm {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
std::atomic<int> g_owner{-1};
int g_depth = 0;

void put_raw(char c) {
    // Wait for the transmit holding register to empty (LSR bit 5).
    for (unsigned spins = 0; !(inb(kCom1 + 5) & 0x20) && spins < 100000; ++spins) {
    }
    outb(kCom1, static_cast<uint8_t>(c));
}

}  // namespace

void serial_init() {
    outb(kCom1 + 1, 0x00);  // no interrupts
    outb(kCom1 + 3, 0x80);  // DLAB on
    outb(kCom1 + 0, 0x01);  // divisor 1: 115200 baud
    outb(kCom1 + 1, 0x00);
    outb(kCom1 + 3, 0x03);  // 8N1, DLAB off
    outb(kCom1 + 2, 0xC7);  // FIFO on, cleared, 14-byte threshold
    outb(kCom1 + 4, 0x03);  // DTR, RTS
}

void serial_write(const char* s, size_t n) {
    int me = serial_cpu_id();
    bool nested = g_owner.load(std::memory_order_relaxed) == me;
    if (!nested) {
        int expected = -1;
        for (unsigned spins = 0; !g_owner.compare_exchange_weak(expected, me,
                                                                std::memory_order_acquire);
             ++spins) {
            expected = -1;
            if (spins > 50000000) break;  // A CPU died holding it (panic): write regardless.
            __builtin_ia32_pause();
        }
    }
    ++g_depth;
    for (size_t i = 0; i < n; ++i) {
        if (s[i] == '\n') put_raw('\r');
        put_raw(s[i]);
    }
    if (--g_depth == 0 && !nested) g_owner.store(-1, std::memory_order_release);
}

}  // namespace ostd::bm

namespace ostd::hal {

void console_write(const char* s, size_t n) { bm::serial_write(s, n); }
void diag_write(const char* s, size_t n) { bm::serial_write(s, n); }

}  // namespace ostd::hal

#include <cstdarg>

#include <ostd/common/format.h>

namespace ostd::bm {

void serial_printf(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    serial_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

}  // namespace ostd::bm
