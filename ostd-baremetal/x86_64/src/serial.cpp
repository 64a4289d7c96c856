// 16550 UART on COM1 (0x3f8), polled: the console and the diagnostics channel on bare metal.
// Writers are serialised by a raw spin flag so lines from different CPUs do not interleave
// mid-write; a panic on the CPU holding it writes anyway rather than deadlock.
#include <atomic>

#include "hal/console.h"
#include "serial.h"
#include "smp.h"
#include "trap.h"
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

// Console input: the UART receiver, drained into a ring buffer by its interrupt (through the
// I/O APIC, to the BSP) and on every timer tick (BSP as well: one producer CPU, and interrupts are
// off in handlers, so never two at once); readers are serialised by a spin flag. A serial line never ends, so input is never
// closed, and it has no window size.
namespace ostd::bm {
namespace {

constexpr size_t kRing = 4096;
char g_ring[kRing];
std::atomic<size_t> g_head{0};  // next byte to read
std::atomic<size_t> g_tail{0};  // next free slot
std::atomic<bool> g_read_lock{false};
std::atomic<void (*)()> g_on_event{nullptr};

}  // namespace

void serial_poll_input() {
    void (*hook)() = g_on_event.load(std::memory_order_acquire);
    if (!hook) return;
    bool got = false;
    for (unsigned i = 0; i < 64 && (inb(kCom1 + 5) & 0x01); ++i) {
        char c = static_cast<char>(inb(kCom1));
        size_t tail = g_tail.load(std::memory_order_relaxed);
        if (tail - g_head.load(std::memory_order_acquire) == kRing) continue;  // full: drop
        g_ring[tail % kRing] = c;
        g_tail.store(tail + 1, std::memory_order_release);
        got = true;
    }
    if (got) hook();
}

}  // namespace ostd::bm

namespace ostd::hal {

bool console_input_start(void (*on_event)()) {
    void (*expected)() = nullptr;
    if (!bm::g_on_event.compare_exchange_strong(expected, on_event)) return false;
    // Received-data interrupts through the I/O APIC when there is one (OUT2 gates the UART's
    // interrupt line on PC hardware); the tick keeps polling either way.
    if (bm::ioapic_route_com1(bm::kVecSerial)) {
        bm::outb(bm::kCom1 + 4, 0x0B);  // DTR, RTS, OUT2
        bm::outb(bm::kCom1 + 1, 0x01);  // interrupt on received data
    }
    return true;
}

size_t console_input_read(char* buf, size_t n) {
    while (bm::g_read_lock.exchange(true, std::memory_order_acquire)) __builtin_ia32_pause();
    size_t head = bm::g_head.load(std::memory_order_relaxed);
    size_t tail = bm::g_tail.load(std::memory_order_acquire);
    size_t got = 0;
    while (got < n && head != tail) buf[got++] = bm::g_ring[head++ % bm::kRing];
    bm::g_head.store(head, std::memory_order_release);
    bm::g_read_lock.store(false, std::memory_order_release);
    return got;
}

bool console_input_closed() { return false; }

bool console_window_size(uint16_t*, uint16_t*) { return false; }

bool console_is_terminal(bool) { return true; }

}  // namespace ostd::hal
