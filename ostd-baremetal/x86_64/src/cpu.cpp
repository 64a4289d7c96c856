// Bare-metal CPUs: identity from the per-CPU block at GS base, idling with sti;hlt, and kicks
// sent as IPIs to the CPU that idles on the kicked pending word.
#include "hal/cpu.h"
#include "apic.h"
#include "serial.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {

bool g_gs_ready = false;

int serial_cpu_id() {
    return g_gs_ready ? static_cast<int>(this_cpu_id()) : 0;
}

}  // namespace ostd::bm

namespace ostd::hal {

__attribute__((noinline)) int current_cpu() {
    return bm::g_gs_ready ? static_cast<int>(bm::this_cpu_id()) : -1;
}

void cpu_wait(const std::atomic<uint32_t>& pending) {
    bm::cli();
    bm::g_percpu[bm::this_cpu_id()].pending = &pending;  // so kicks can target this CPU
    if (pending.load(std::memory_order_acquire) == 0) {
        // sti takes effect after the next instruction, so no interrupt slips in before hlt.
        __asm__ volatile("sti; hlt" ::: "memory");
    } else {
        bm::sti();
    }
}

void cpu_kick(std::atomic<uint32_t>& pending) {
    unsigned n = bm::g_num_cpus_online;
    if (n <= 1) return;
    int64_t me = bm::g_gs_ready ? bm::this_cpu_id() : -1;
    for (unsigned c = 0; c < n; ++c) {
        if (bm::g_percpu[c].pending != &pending) continue;
        if (c != me) bm::lapic_send_ipi(bm::g_percpu[c].apic_id, bm::kVecKick);
        return;  // the CPU itself sees its bits at its next safe point
    }
    bm::lapic_send_ipi_others(bm::kVecKick);  // a CPU that never idled yet: wake everyone
}

}  // namespace ostd::hal
