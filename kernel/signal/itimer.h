// Interval timers of a process: ITIMER_REAL counts wall time and raises SIGALRM (through the
// deferral in flush_deferred(): the timer fires in IRQ context); ITIMER_VIRTUAL (user CPU time,
// SIGVTALRM) and ITIMER_PROF (user + system, SIGPROF) are checked whenever a thread of the
// process returns to user mode, so they fire at that granularity.
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

#include <kernel/process/process.h>

namespace kernel::signal {

struct ItimerValue {
    uint64_t value_ns = 0;     // Time left until expiry; 0 = disarmed.
    uint64_t interval_ns = 0;  // Reload value after expiry; 0 = one-shot.
};

/// which: ITIMER_REAL (0), ITIMER_VIRTUAL (1), ITIMER_PROF (2); EINVAL otherwise. ENOMEM.
ostd::Result<ItimerValue> get_itimer(Thread& caller, int which);
/// Arms (value_ns > 0) or disarms the timer; returns the previous setting. EINVAL, ENOMEM.
ostd::Result<ItimerValue> set_itimer(Thread& caller, int which, const ItimerValue& value);

}  // namespace kernel::signal
