// Time on bare metal: the TSC is the monotonic clock (frequency measured against PIT channel 2);
// the BSP's local APIC timer, calibrated the same way, is the periodic tick. The one-shot
// deadline is checked on every tick and on timer_set_deadline(), so its resolution is one tick.
#include <atomic>

#include "apic.h"
#include "hal/clock.h"
#include "serial.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {
namespace {

constexpr uint32_t kLapicId = 0x20, kLapicEoi = 0xB0, kLapicSvr = 0xF0, kLapicIcrLo = 0x300,
                   kLapicIcrHi = 0x310, kLapicLvtTimer = 0x320, kLapicInitCount = 0x380,
                   kLapicCurCount = 0x390, kLapicDivide = 0x3E0, kLapicTpr = 0x80;

volatile uint32_t* g_lapic = nullptr;
uint64_t g_tsc_hz = 0;
uint64_t g_tsc_mult = 0;  // ns = (tsc * mult) >> 32
uint64_t g_apic_timer_hz = 0;

std::atomic<bool> g_timer_running{false};
std::atomic<uint64_t> g_deadline{UINT64_MAX};
hal::TimerHooks g_hooks{};

uint32_t lapic_read(uint32_t reg) { return g_lapic[reg / 4]; }
void lapic_write(uint32_t reg, uint32_t v) { g_lapic[reg / 4] = v; }

// PIT channel 2 one-shot of `ms` milliseconds; returns when its output goes high.
void pit_wait_ms(unsigned ms) {
    uint32_t count = 1193182u * ms / 1000u;
    outb(0x61, static_cast<uint8_t>((inb(0x61) & ~0x02) & ~0x01));  // gate low, speaker off
    outb(0x43, 0xB0);                                                 // ch2, lo/hi, mode 0
    outb(0x42, static_cast<uint8_t>(count));
    outb(0x42, static_cast<uint8_t>(count >> 8));
    outb(0x61, static_cast<uint8_t>(inb(0x61) | 0x01));  // gate high: count down
    while (!(inb(0x61) & 0x20)) {
    }
}

}  // namespace

void lapic_init() {
    // Remap the legacy PICs away from the exception vectors, then mask everything on them.
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, 0x20);
    outb(0xA1, 0x28);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    outb(0x21, 0xff);
    outb(0xA1, 0xff);
    uint64_t base = rdmsr(0x1B);
    wrmsr(0x1B, base | (1u << 11));  // global enable
    // SAFETY: the APIC page lies below 4 GiB, inside the boot direct map.
    g_lapic = reinterpret_cast<volatile uint32_t*>(kDirectMapBase + (base & ~0xfffull));
    lapic_write(kLapicTpr, 0);
    lapic_write(kLapicSvr, 0x100 | kVecSpurious);
}

void lapic_init_ap() {
    wrmsr(0x1B, rdmsr(0x1B) | (1u << 11));
    lapic_write(kLapicTpr, 0);
    lapic_write(kLapicSvr, 0x100 | kVecSpurious);
}

void clock_calibrate() {
    lapic_write(kLapicDivide, 0x3);  // divide by 16
    lapic_write(kLapicLvtTimer, 1u << 16);  // masked one-shot
    lapic_write(kLapicInitCount, 0xffffffff);
    uint64_t t0 = rdtsc();
    pit_wait_ms(20);
    uint64_t t1 = rdtsc();
    uint32_t left = lapic_read(kLapicCurCount);
    lapic_write(kLapicInitCount, 0);
    g_tsc_hz = (t1 - t0) * 50;
    g_apic_timer_hz = uint64_t{0xffffffff - left} * 50;
    g_tsc_mult = (uint64_t{1000000000} << 32) / g_tsc_hz;  // < 2^63: no 128-bit division
    serial_printf("clock: TSC %lu kHz, APIC timer %lu kHz (calibrated on PIT channel 2)\n",
                  g_tsc_hz / 1000, g_apic_timer_hz / 1000);
}

void lapic_eoi() { lapic_write(kLapicEoi, 0); }
uint32_t lapic_id() { return lapic_read(kLapicId) >> 24; }

void lapic_send_ipi(uint32_t apic_id, uint8_t vector) {
    lapic_write(kLapicIcrHi, apic_id << 24);
    lapic_write(kLapicIcrLo, vector | (1u << 14));  // fixed, assert
    while (lapic_read(kLapicIcrLo) & (1u << 12)) __builtin_ia32_pause();
}

void lapic_send_ipi_others(uint8_t vector) {
    lapic_write(kLapicIcrHi, 0);
    lapic_write(kLapicIcrLo, vector | (1u << 14) | (3u << 18));  // all excluding self
    while (lapic_read(kLapicIcrLo) & (1u << 12)) __builtin_ia32_pause();
}

void lapic_start_ap(uint32_t apic_id, uint8_t page) {
    lapic_write(kLapicIcrHi, apic_id << 24);
    lapic_write(kLapicIcrLo, 0x4500);  // INIT, assert
    while (lapic_read(kLapicIcrLo) & (1u << 12)) __builtin_ia32_pause();
    udelay(10000);
    for (int i = 0; i < 2; ++i) {
        lapic_write(kLapicIcrHi, apic_id << 24);
        lapic_write(kLapicIcrLo, 0x4600u | page);  // STARTUP
        while (lapic_read(kLapicIcrLo) & (1u << 12)) __builtin_ia32_pause();
        udelay(200);
    }
}

void udelay(uint64_t us) {
    uint64_t end = rdtsc() + g_tsc_hz / 1000000 * us;
    while (rdtsc() < end) __builtin_ia32_pause();
}

uint64_t tsc_hz() { return g_tsc_hz; }
uint64_t tsc_to_ns(uint64_t tsc) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(tsc) * g_tsc_mult) >> 32);
}

void timer_irq() {
    if (!g_timer_running.load(std::memory_order_acquire)) return;
    g_hooks.on_tick();
    serial_poll_input();
    uint64_t d = g_deadline.load(std::memory_order_acquire);
    if (d != UINT64_MAX && hal::clock_now_ns() >= d &&
        g_deadline.compare_exchange_strong(d, UINT64_MAX)) {
        g_hooks.on_deadline();
    }
}

}  // namespace ostd::bm

namespace ostd::hal {

uint64_t clock_now_ns() { return bm::tsc_to_ns(bm::rdtsc()); }

void timer_start(uint64_t tick_ns, TimerHooks hooks) {
    bm::g_hooks = hooks;
    bm::g_deadline.store(UINT64_MAX);
    bm::g_timer_running.store(true, std::memory_order_release);
    uint64_t count = bm::g_apic_timer_hz * tick_ns / 1000000000u;
    if (count == 0) count = 1;
    bm::lapic_write(bm::kLapicDivide, 0x3);
    bm::lapic_write(bm::kLapicLvtTimer, bm::kVecTimer | (1u << 17));  // periodic
    bm::lapic_write(bm::kLapicInitCount, static_cast<uint32_t>(count));
}

void timer_set_deadline(uint64_t deadline_ns) { bm::g_deadline.store(deadline_ns); }

void timer_stop() {
    bm::g_timer_running.store(false, std::memory_order_release);
    if (bm::g_lapic) bm::lapic_write(bm::kLapicLvtTimer, 1u << 16);
}

}  // namespace ostd::hal
