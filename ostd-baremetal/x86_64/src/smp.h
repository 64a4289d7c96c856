// Application-processor bring-up (backend-private).
#pragma once

#include <cstdint>

namespace ostd::bm {

/// Number of CPUs the machine will run (the BSP plus the APs that will be started).
unsigned smp_count_cpus();
/// Routes COM1's interrupt (ISA IRQ 4, or its MADT override) through the first I/O APIC to
/// `vector` on the BSP. False when the MADT named no I/O APIC. After smp_count_cpus().
bool ioapic_route_com1(uint8_t vector);
/// Starts every AP; each enters the scheduler once the BSP calls Sched::start().
void smp_boot_aps();

}  // namespace ostd::bm
