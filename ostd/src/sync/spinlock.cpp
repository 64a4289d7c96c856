// SpinLock's slow path and misuse reports.
#include <ostd/sync/spinlock.h>

#include <ostd/common/panic.h>

#include "hal/cpu.h"

namespace ostd {

namespace detail {

void spinlock_misuse(const char* what) {
    panic("%s", what);
}

int spinlock_owner_tag() {
    return hal::current_cpu();
}

}  // namespace detail

void SpinLock::lock_slow() {
#ifdef ORRERY_DEBUG
    int me = hal::current_cpu();
    // Preemption is off while a SpinLock is held, so if this CPU is the owner, it is us (or an
    // interrupt handler that interrupted us): spinning would never end.
    if (me >= 0 && owner_.load(std::memory_order_relaxed) == me)
        detail::spinlock_misuse("SpinLock recursion: this CPU already holds the lock (deadlock)");
#endif
    do {
        while (locked_.load(std::memory_order_relaxed))
            hal::cpu_relax();
    } while (locked_.exchange(true, std::memory_order_acquire));
}

}  // namespace ostd
