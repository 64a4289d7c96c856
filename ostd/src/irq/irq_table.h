// The static table behind IrqLine (ostd-private).
#pragma once

#include <ostd/irq/irq.h>

namespace ostd {

class IrqTable {
  public:
    /// Frees every line (new machine).
    static void reset();
    /// Runs the handlers of every pending, enabled line targeting `cpu`. Interrupt context.
    static void deliver(unsigned cpu);
    /// Runs this CPU's pending soft IRQs. Interrupt context, after the hard handlers.
    static void run_softirqs(unsigned cpu);
    static void reset_softirqs();
    /// The line objects, indexed by number.
    static IrqLine* lines();
};

}  // namespace ostd
