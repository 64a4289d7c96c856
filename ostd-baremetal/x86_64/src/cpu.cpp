// Bare-metal CPUs: identity from the per-CPU block at GS base, idling with sti;hlt, and kicks
// sent as IPIs to the other CPUs.
#include "apic.h"
#include "hal/cpu.h"
#include "serial.h"
#include "trap.h"
#include "x86.h"

namespace ostd::bm {

bool g_gs_ready = false;

int serial_cpu_id() { return g_gs_ready ? static_cast<int>(this_cpu_id()) : 0; }

}  // namespace ostd::bm

namespace ostd::hal {

__attribute__((noinline)) int current_cpu() {
    return bm::g_gs_ready ? static_cast<int>(bm::this_cpu_id()) : -1;
}

void cpu_wait(const std::atomic<uint32_t>& pending) {
    bm::cli();
    if (pending.load(std::memory_order_acquire) == 0) {
        // sti takes effect after the next instruction, so no interrupt slips in before hlt.
        __asm__ volatile("sti; hlt" ::: "memory");
    } else {
        bm::sti();
    }
}

void cpu_kick(std::atomic<uint32_t>& pending) {
    (void)pending;
    if (bm::g_num_cpus_online > 1) bm::lapic_send_ipi_others(bm::kVecKick);
}

}  // namespace ostd::hal
