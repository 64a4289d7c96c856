// SMP on bare metal: not brought up yet, the machine runs on the bootstrap CPU only (QEMU's
// other vCPUs stay halted in their firmware wait loop).
#include "smp.h"

namespace ostd::bm {

unsigned smp_count_cpus() { return 1; }
void smp_boot_aps() {}

}  // namespace ostd::bm
