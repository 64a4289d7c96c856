// Local IRQ masking and the IRQ line table. Raising a line only sets pending bits; the target
// CPU runs the handlers at its next safe point with local IRQs enabled.
#include <ostd/irq/irq.h>

#include <atomic>

#include <ostd/common/panic.h>

#include "irq/irq_table.h"
#include "task/sched.h"

namespace ostd {

namespace irq {

void disable_local() {
    if (detail::PerCpu* c = detail::this_cpu()) ++c->irq_depth;
}

void enable_local() {
    detail::PerCpu* c = detail::this_cpu();
    if (!c) return;
    if (c->irq_depth <= 0) panic("irq::enable_local() without a matching disable_local()");
    if (--c->irq_depth == 0 && c->pending.load(std::memory_order_relaxed) != 0)
        detail::Sched::safe_point_slow(c);
}

bool is_local_enabled() {
    detail::PerCpu* c = detail::this_cpu();
    return !c || (c->irq_depth == 0 && !c->in_irq);
}

bool in_interrupt() {
    detail::PerCpu* c = detail::this_cpu();
    return c && c->in_irq;
}

}  // namespace irq

namespace {

struct LineState {
    std::atomic<bool> allocated{false};
    std::atomic<bool> enabled{false};
    std::atomic<bool> pending{false};
    std::atomic<unsigned> target{0};
    std::atomic<unsigned> num_handlers{0};
    IrqLine::Handler handlers[kMaxIrqHandlers] = {};
    void* args[kMaxIrqHandlers] = {};
    std::atomic<uint64_t> delivered{0};
};

LineState g_state[kNumIrqLines];

}  // namespace

IrqLine* IrqTable::lines() {
    static IrqLine table[kNumIrqLines];
    return table;
}

void IrqTable::reset() {
    for (unsigned i = 0; i < kNumIrqLines; ++i) {
        IrqTable::lines()[i].number_ = i;
        LineState& s = g_state[i];
        // Relaxed: reset runs at boot and power-off, before or after every CPU runs (six
        // sequentially consistent stores per line were a measurable part of a fuzzer's boot).
        s.allocated.store(false, std::memory_order_relaxed);
        s.enabled.store(false, std::memory_order_relaxed);
        s.pending.store(false, std::memory_order_relaxed);
        s.target.store(0, std::memory_order_relaxed);
        s.num_handlers.store(0, std::memory_order_relaxed);
        s.delivered.store(0, std::memory_order_relaxed);
    }
}

void IrqTable::deliver(unsigned cpu) {
    for (unsigned i = 0; i < kNumIrqLines; ++i) {
        LineState& s = g_state[i];
        if (!s.allocated.load(std::memory_order_acquire) ||
            s.target.load(std::memory_order_relaxed) != cpu ||
            !s.enabled.load(std::memory_order_acquire) ||
            !s.pending.exchange(false, std::memory_order_acq_rel))
            continue;
        unsigned n = s.num_handlers.load(std::memory_order_acquire);
        for (unsigned h = 0; h < n; ++h)
            s.handlers[h](IrqTable::lines()[i], s.args[h]);
        s.delivered.fetch_add(1, std::memory_order_relaxed);
    }
}

LineState& state_of(const IrqLine& line) {
    return g_state[line.number()];
}

Result<IrqLine*> IrqLine::allocate() {
    if (!detail::Sched::is_running()) return Error(EINVAL, "no machine running");
    for (unsigned i = 0; i < kNumIrqLines; ++i) {
        bool expected = false;
        LineState& s = g_state[i];
        if (s.allocated.load(std::memory_order_relaxed)) continue;
        s.enabled.store(false);
        s.pending.store(false);
        s.target.store(0);
        s.num_handlers.store(0);
        s.delivered.store(0);
        if (s.allocated.compare_exchange_strong(expected, true, std::memory_order_acq_rel))
            return &IrqTable::lines()[i];
    }
    return Error(EBUSY, "all IRQ lines are allocated");
}

void IrqLine::release() {
    LineState& s = state_of(*this);
    if (!s.allocated.load()) panic("releasing IRQ line %u, which is not allocated", number_);
    s.enabled.store(false);
    s.num_handlers.store(0);
    s.allocated.store(false, std::memory_order_release);
}

Result<void> IrqLine::add_handler(Handler handler, void* arg) {
    LineState& s = state_of(*this);
    unsigned n = s.num_handlers.load(std::memory_order_relaxed);
    if (n >= kMaxIrqHandlers) return Error(ENOSPC, "too many handlers on one IRQ line");
    s.handlers[n] = handler;
    s.args[n] = arg;
    s.num_handlers.store(n + 1, std::memory_order_release);
    return ok();
}

void IrqLine::enable() {
    LineState& s = state_of(*this);
    s.enabled.store(true, std::memory_order_release);
    if (s.pending.load(std::memory_order_acquire))
        detail::raise_pending(detail::g_cpus[s.target.load()], detail::kPendingDevice);
}

void IrqLine::disable() {
    state_of(*this).enabled.store(false, std::memory_order_release);
}

bool IrqLine::is_enabled() const {
    return state_of(*this).enabled.load();
}

Result<void> IrqLine::set_target_cpu(unsigned cpu) {
    if (cpu >= detail::g_num_cpus) return Error(EINVAL, "no such CPU");
    state_of(*this).target.store(cpu, std::memory_order_release);
    return ok();
}

void IrqLine::raise() {
    LineState& s = state_of(*this);
    s.pending.store(true, std::memory_order_release);
    if (s.enabled.load(std::memory_order_acquire))
        detail::raise_pending(detail::g_cpus[s.target.load()], detail::kPendingDevice);
}

uint64_t IrqLine::delivered_count() const {
    return state_of(*this).delivered.load();
}

}  // namespace ostd
