// CpuLocal<T>: one T per CPU. The local instance is reached through a guard that disables
// preemption, so the task cannot migrate while it holds the reference.
#pragma once

#include <ostd/task/preempt.h>

namespace ostd {

template <typename T>
class CpuLocal {
  public:
    class Guard {
      public:
        T& operator*() const { return *value_; }
        T* operator->() const { return value_; }
        ~Guard() { preempt_enable(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

      private:
        friend class CpuLocal;
        explicit Guard(T* v) : value_(v) {}
        T* value_;
    };

    CpuLocal() = default;
    CpuLocal(const CpuLocal&) = delete;
    CpuLocal& operator=(const CpuLocal&) = delete;

    /// This CPU's instance; preemption is disabled until the guard dies (so: no sleeping).
    /// Precondition: inside a running machine.
    Guard borrow() {
        preempt_disable();
        return Guard(&slots_[cpu_id()].value);
    }
    /// Another CPU's instance, for aggregation. The caller synchronises (atomics, or the
    /// owner not running). Precondition: cpu < kMaxCpus.
    T& on(unsigned cpu) { return slots_[cpu].value; }

  private:
    struct alignas(64) Slot {
        T value{};
    };
    Slot slots_[kMaxCpus];
};

}  // namespace ostd
