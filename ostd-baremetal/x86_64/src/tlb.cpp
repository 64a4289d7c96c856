// TLB invalidation on bare metal: invlpg (or a CR3 reload for long ranges) on this CPU when the
// address space is live here, and a shootdown IPI to the other CPUs that may cache it.
#include <atomic>

#include "apic.h"
#include "hal/tlb.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {
namespace {

std::atomic<uint64_t> g_range_flushes{0};
std::atomic<uint64_t> g_full_flushes{0};

// One shootdown at a time; the initiator waits for every other online CPU to acknowledge.
std::atomic<bool> g_shoot_lock{false};
std::atomic<uint64_t> g_shoot_start{0}, g_shoot_len{0};
std::atomic<unsigned> g_shoot_pending{0};

void flush_local(uint64_t start, uint64_t len) {
    if (len > 64 * 4096) {
        write_cr3(read_cr3());
        return;
    }
    for (uint64_t va = start & ~0xfffull; va < start + len; va += 4096) invlpg(va);
}

void shootdown(uint64_t start, uint64_t len) {
    if (g_num_cpus_online <= 1) return;
    bool irq_on = irqs_enabled();
    while (g_shoot_lock.exchange(true, std::memory_order_acquire)) {
        // Another CPU shoots: answer its IPI while waiting (interrupts may be off here).
        if (g_shoot_pending.load() != 0) tlb_ipi();
        __builtin_ia32_pause();
    }
    g_shoot_start.store(start);
    g_shoot_len.store(len);
    g_shoot_pending.store(g_num_cpus_online - 1);
    lapic_send_ipi_others(kVecTlb);
    while (g_shoot_pending.load(std::memory_order_acquire) != 0) __builtin_ia32_pause();
    g_shoot_lock.store(false, std::memory_order_release);
    (void)irq_on;
}

}  // namespace

void tlb_ipi() {
    flush_local(g_shoot_start.load(), g_shoot_len.load());
    g_shoot_pending.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace ostd::bm

namespace ostd::hal {

void tlb_flush_range(Paddr root, Vaddr start, uint64_t len) {
    bm::g_range_flushes.fetch_add(1, std::memory_order_relaxed);
    if ((bm::read_cr3() & ~0xfffull) == root.value()) bm::flush_local(start.value(), len);
    bm::shootdown(start.value(), len);
}

void tlb_flush_all(Paddr root) {
    bm::g_full_flushes.fetch_add(1, std::memory_order_relaxed);
    if ((bm::read_cr3() & ~0xfffull) == root.value()) bm::write_cr3(bm::read_cr3());
    bm::shootdown(0, ~uint64_t{0});
}

TlbFlushCounts tlb_flush_counts() {
    return {bm::g_range_flushes.load(std::memory_order_relaxed),
            bm::g_full_flushes.load(std::memory_order_relaxed)};
}

}  // namespace ostd::hal
