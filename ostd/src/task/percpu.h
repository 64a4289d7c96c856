// Per-CPU state of the core (ostd-private): current task, preempt count, IRQ mask depth, the
// pending-interrupt word that the timer hardware, IPIs and devices set, and the CPU's run queue
// with the lock-free inbox through which other CPUs hand it tasks.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/task/preempt.h>

#include "hal/cpu.h"
#include "task/round_robin.h"

namespace ostd::detail {

/// Bits of PerCpu::pending.
enum PendingBit : uint32_t {
    kPendingTick = 1u << 0,     // Scheduler tick.
    kPendingTimer = 1u << 1,    // A one-shot timer may be due.
    kPendingResched = 1u << 2,  // Reschedule (IPI or local need-resched).
    kPendingDevice = 1u << 3,   // Some IRQ line targeting this CPU was raised.
    kPendingStop = 1u << 4,     // The machine is powering off.
    kPendingSoftIrq = 1u << 5,  // Some soft IRQ was raised on this CPU.
};
inline constexpr uint32_t kPendingIrqMask =
    kPendingTick | kPendingTimer | kPendingDevice | kPendingSoftIrq;

struct alignas(64) PerCpu {
    unsigned id = 0;
    Task* current = nullptr;  // Changed only by this CPU, when it switches tasks.
    Task* idle = nullptr;     // Owned: this CPU's boot context as a task.
    int preempt_count = 0;    // Only this CPU touches it.
    int irq_depth = 0;
    bool in_irq = false;
    uint32_t det_points = 0;  // Deterministic mode: safe points since the last virtual tick.
    std::atomic<uint32_t> pending{0};
    std::atomic<uint8_t> cur_prio{0};  // Priority of `current` (read by other CPUs' wake-ups).
    RunQueue rq;                       // Built-in policy: only this CPU touches it.
    /// Built-in policy: tasks other CPUs (or non-CPU threads) made runnable here, newest first,
    /// linked through Task::inbox_next_. Pushed by anyone, emptied only by this CPU.
    alignas(64) std::atomic<Task*> inbox{nullptr};
};

extern PerCpu g_cpus[kMaxCpus];
extern unsigned g_num_cpus;
extern bool g_deterministic;
// Deterministic mode: virtual-time limit (BootInfo::virtual_time_limit_ns), 0 = none.
extern uint64_t g_virtual_time_limit_ns;

/// This CPU's state, or nullptr outside a machine. Re-read after anything that may switch.
inline PerCpu* this_cpu() {
    int i = hal::current_cpu();
    return i < 0 ? nullptr : &g_cpus[i];
}

/// Sets `bits` in cpu's pending word and wakes it if idle. Any thread.
inline void raise_pending(PerCpu& cpu, uint32_t bits) {
    cpu.pending.fetch_or(bits, std::memory_order_release);
    hal::cpu_kick(cpu.pending);
}

}  // namespace ostd::detail
