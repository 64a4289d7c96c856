// Interrupts: numbered IRQ lines with handlers, per-line enable, and local (per-CPU) IRQ
// masking with nesting. Interrupts are never asynchronous: a raised line becomes a pending bit
// that the target CPU handles at its next safe point while local IRQs are enabled.
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

namespace ostd {

namespace irq {
/// Masks interrupts on this CPU (nests). Also prevents preemption while masked.
void disable_local();
/// Undoes one disable_local(); at depth 0 pending interrupts are delivered.
/// Precondition: a matching disable_local().
void enable_local();
/// True if interrupts are not masked on this CPU.
bool is_local_enabled();
/// True while running an interrupt handler (or timer callback).
bool in_interrupt();
}  // namespace irq

/// RAII irq::disable_local()/irq::enable_local().
class IrqDisabledGuard {
  public:
    IrqDisabledGuard() { irq::disable_local(); }
    ~IrqDisabledGuard() { irq::enable_local(); }
    IrqDisabledGuard(const IrqDisabledGuard&) = delete;
    IrqDisabledGuard& operator=(const IrqDisabledGuard&) = delete;
};

inline constexpr unsigned kNumIrqLines = 64;
inline constexpr unsigned kMaxIrqHandlers = 4;

/// One interrupt line. Lines live in a static table; allocate() hands out free ones.
class IrqLine {
  public:
    /// Runs in interrupt context with local IRQs masked: no sleeping.
    using Handler = void (*)(IrqLine& line, void* arg);

    /// A free line, disabled, without handlers, targeting CPU 0. EBUSY when all are taken.
    /// EINVAL outside a running machine.
    static Result<IrqLine*> allocate();
    /// Returns the line to the pool (handlers dropped). Precondition: allocated.
    void release();

    unsigned number() const { return number_; }
    /// Adds a handler; all handlers of a line run in registration order. ENOSPC beyond
    /// kMaxIrqHandlers.
    Result<void> add_handler(Handler handler, void* arg);
    /// While disabled, raises stay pending and are delivered on enable().
    void enable();
    void disable();
    bool is_enabled() const;
    /// CPU whose safe points deliver this line. EINVAL if no such CPU.
    Result<void> set_target_cpu(unsigned cpu);
    /// Asserts the line (what a device does). Callable from any host thread or context.
    void raise();
    /// How many times the handlers ran.
    uint64_t delivered_count() const;

  private:
    friend class IrqTable;
    IrqLine() = default;
    unsigned number_ = 0;
};

}  // namespace ostd
