// Host vCPU identity: which host thread plays which CPU (backend-private).
#pragma once

namespace ostd::host {

/// Marks the calling host thread as CPU `cpu` (or -1: no CPU).
void set_current_cpu(int cpu);

}  // namespace ostd::host
