// Soft IRQs (bottom halves): deferred work an interrupt handler schedules to run after all hard
// handlers, at the same safe point, on the same CPU. Handlers run in interrupt context with
// preemption disabled: no sleeping.
#pragma once

#include <ostd/common/result.h>

namespace ostd::softirq {

inline constexpr unsigned kNumSoftIrqs = 8;

using Handler = void (*)(void* arg);

/// Installs the handler of soft IRQ `index` for the running machine.
/// EINVAL: index >= kNumSoftIrqs or no machine running. EBUSY: already installed.
Result<void> install(unsigned index, Handler handler, void* arg);
/// Removes it (pending raises are dropped). EINVAL if none is installed.
Result<void> uninstall(unsigned index);
/// Marks soft IRQ `index` pending on this CPU; it runs at this CPU's next safe point (right
/// after the hard handlers when raised from one). Any context. Precondition: index valid.
void raise(unsigned index);

}  // namespace ostd::softirq
