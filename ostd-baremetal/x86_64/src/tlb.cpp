// TLB invalidation on bare metal. User translations live in a CPU's TLB only while that CPU runs
// user code of the space (leaving user mode reloads CR3 with the user half cleared), so a flush
// invalidates locally when the space is live here and sends a shootdown IPI to every other
// online CPU, waiting until each has flushed (an interrupt from user mode also leaves user mode).
#include <atomic>

#include "apic.h"
#include "hal/tlb.h"
#include "tlb.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {
namespace {

std::atomic<uint64_t> g_range_flushes{0};
std::atomic<uint64_t> g_full_flushes{0};

// One shootdown at a time. Each round has a generation; a CPU acknowledges by publishing it.
std::atomic<bool> g_shoot_lock{false};
std::atomic<uint64_t> g_shoot_gen{0};
std::atomic<uint64_t> g_shoot_start{0}, g_shoot_len{0};
std::atomic<uint64_t> g_acked[kMaxCpus];

void flush_local(uint64_t start, uint64_t len) {
    if (len > 64 * 4096) {
        // Everything, global kernel pages included: toggling CR4.PGE flushes them too.
        uint64_t cr4;
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~uint64_t{1u << 7}) : "memory");
        __asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
        return;
    }
    for (uint64_t va = start & ~0xfffull; va < start + len; va += 4096) invlpg(va);
}

void shootdown(uint64_t start, uint64_t len) {
    unsigned n = g_num_cpus_online;
    if (n <= 1) return;
    unsigned me = static_cast<unsigned>(this_cpu_id());
    while (g_shoot_lock.exchange(true, std::memory_order_acquire)) {
        tlb_ipi();  // another CPU is shooting: answer it even if our interrupts are off
        __builtin_ia32_pause();
    }
    g_shoot_start.store(start);
    g_shoot_len.store(len);
    uint64_t gen = g_shoot_gen.fetch_add(1) + 1;
    g_acked[me].store(gen);
    lapic_send_ipi_others(kVecTlb);
    for (unsigned c = 0; c < n; ++c)
        while (g_acked[c].load(std::memory_order_acquire) < gen) __builtin_ia32_pause();
    g_shoot_lock.store(false, std::memory_order_release);
}

}  // namespace

void flush_kernel_range(uint64_t start, uint64_t len) {
    flush_local(start, len);
    shootdown(start, len);
}

void tlb_ipi() {
    uint64_t gen = g_shoot_gen.load(std::memory_order_acquire);
    unsigned me = static_cast<unsigned>(this_cpu_id());
    if (g_acked[me].load(std::memory_order_relaxed) >= gen) return;
    flush_local(g_shoot_start.load(), g_shoot_len.load());
    g_acked[me].store(gen, std::memory_order_release);
}

}  // namespace ostd::bm

namespace ostd::hal {

void tlb_flush_range(Paddr root, Vaddr start, uint64_t len) {
    bm::g_range_flushes.fetch_add(1, std::memory_order_relaxed);
    if (bm::g_percpu[bm::this_cpu_id()].active_root == root.value())
        bm::flush_local(start.value(), len);
    bm::shootdown(start.value(), len);
}

void tlb_flush_all(Paddr root) {
    bm::g_full_flushes.fetch_add(1, std::memory_order_relaxed);
    if (bm::g_percpu[bm::this_cpu_id()].active_root == root.value()) bm::write_cr3(bm::read_cr3());
    bm::shootdown(0, ~uint64_t{0});
}

TlbFlushCounts tlb_flush_counts() {
    return {bm::g_range_flushes.load(std::memory_order_relaxed),
            bm::g_full_flushes.load(std::memory_order_relaxed)};
}

}  // namespace ostd::hal
