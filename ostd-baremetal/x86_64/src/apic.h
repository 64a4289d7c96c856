// Local APIC (timer, EOI, IPIs), the legacy PIC (masked) and the PIT used to calibrate the TSC
// and the APIC timer. Backend-private.
#pragma once

#include <cstdint>

namespace ostd::bm {

/// Masks the legacy 8259 PICs and enables the BSP's local APIC.
void lapic_init();
/// Enables an application processor's local APIC.
void lapic_init_ap();
/// Measures TSC and APIC-timer frequencies against the PIT (BSP, once, interrupts off).
void clock_calibrate();
/// Signals end of interrupt to this CPU's local APIC.
void lapic_eoi();
/// This CPU's local APIC id.
uint32_t lapic_id();
/// Sends `vector` to the CPU with APIC id `apic_id`.
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/// Sends `vector` to every CPU but the caller.
void lapic_send_ipi_others(uint8_t vector);
/// INIT and STARTUP IPIs that start an application processor at physical page `page`.
void lapic_start_ap(uint32_t apic_id, uint8_t page);
/// Busy-waits `us` microseconds on the TSC (calibrated).
void udelay(uint64_t us);

/// TSC value at boot entry and its frequency (for boot-time figures).
uint64_t tsc_hz();
uint64_t tsc_to_ns(uint64_t tsc);

/// The timer interrupt (BSP's periodic APIC timer).
void timer_irq();
/// The TLB-shootdown IPI handler.
void tlb_ipi();

}  // namespace ostd::bm
