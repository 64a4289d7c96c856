// Application-processor bring-up (backend-private).
#pragma once

namespace ostd::bm {

/// Number of CPUs the machine will run (the BSP plus the APs that will be started).
unsigned smp_count_cpus();
/// Starts every AP; each enters the scheduler once the BSP calls Sched::start().
void smp_boot_aps();

}  // namespace ostd::bm
