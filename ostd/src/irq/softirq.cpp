// Soft IRQs: a per-CPU pending mask plus a machine-wide handler table.
#include <ostd/irq/softirq.h>

#include <atomic>

#include <ostd/common/panic.h>

#include "irq/irq_table.h"
#include "task/sched.h"

namespace ostd {
namespace {

struct Slot {
    std::atomic<softirq::Handler> handler{nullptr};
    std::atomic<void*> arg{nullptr};
};

Slot g_slots[softirq::kNumSoftIrqs];
std::atomic<uint32_t> g_pending[kMaxCpus];

}  // namespace

namespace softirq {

Result<void> install(unsigned index, Handler handler, void* arg) {
    if (index >= kNumSoftIrqs || !handler || !detail::Sched::is_running())
        return Error(EINVAL, "bad soft IRQ");
    Slot& s = g_slots[index];
    s.arg.store(arg, std::memory_order_relaxed);
    Handler expected = nullptr;
    if (!s.handler.compare_exchange_strong(expected, handler, std::memory_order_release))
        return Error(EBUSY, "soft IRQ already installed");
    return ok();
}

Result<void> uninstall(unsigned index) {
    if (index >= kNumSoftIrqs || !g_slots[index].handler.exchange(nullptr))
        return Error(EINVAL, "no such soft IRQ");
    return ok();
}

void raise(unsigned index) {
    ORRERY_ASSERT(index < kNumSoftIrqs, "soft IRQ %u out of range", index);
    detail::PerCpu* cpu = detail::this_cpu();
    if (!cpu) panic("softirq::raise() outside a running machine");
    g_pending[cpu->id].fetch_or(1u << index, std::memory_order_relaxed);
    cpu->pending.fetch_or(detail::kPendingSoftIrq, std::memory_order_relaxed);
}

}  // namespace softirq

void IrqTable::run_softirqs(unsigned cpu) {
    // Handlers may raise again; bound the rounds so a storm cannot starve tasks.
    for (int round = 0; round < 4; ++round) {
        uint32_t bits = g_pending[cpu].exchange(0, std::memory_order_acquire);
        if (!bits) return;
        for (unsigned i = 0; i < softirq::kNumSoftIrqs; ++i) {
            if (!(bits & (1u << i))) continue;
            Slot& s = g_slots[i];
            if (softirq::Handler h = s.handler.load(std::memory_order_acquire))
                h(s.arg.load(std::memory_order_relaxed));
        }
    }
    if (g_pending[cpu].load(std::memory_order_relaxed))
        detail::g_cpus[cpu].pending.fetch_or(detail::kPendingSoftIrq, std::memory_order_relaxed);
}

void IrqTable::reset_softirqs() {
    for (auto& s : g_slots)
        s.handler.store(nullptr);
    for (auto& p : g_pending)
        p.store(0);
}

}  // namespace ostd
