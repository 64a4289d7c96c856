// Completion: an event counter plus a WaitQueue.
#include <ostd/sync/completion.h>

#include <ostd/common/panic.h>

namespace ostd {

void Completion::complete() {
    uint32_t d = done_.load(std::memory_order_relaxed);
    while (d != kAll && !done_.compare_exchange_weak(d, d + 1)) {
    }
    waiters_.wake_one();
}

void Completion::complete_all() {
    done_.store(kAll);
    waiters_.wake_all();
}

bool Completion::try_wait() {
    uint32_t d = done_.load(std::memory_order_acquire);
    while (d != 0) {
        if (d == kAll) return true;
        if (done_.compare_exchange_weak(d, d - 1, std::memory_order_acquire)) return true;
    }
    return false;
}

void Completion::wait() {
    auto r = waiters_.wait_until([this] { return try_wait(); });
    if (r.is_error()) panic("uninterruptible Completion wait failed");
}

Result<void> Completion::wait(WaitOptions options) {
    return waiters_.wait_until([this] { return try_wait(); }, options);
}

}  // namespace ostd
