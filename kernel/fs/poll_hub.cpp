// PollHub subscription list.
#include <kernel/fs/poll.h>
#include <ostd/common/panic.h>

namespace kernel::fs {

PollHub::~PollHub() {
    ostd::SpinLockGuard g(lock_);
    ORRERY_ASSERT(entries_.is_empty(), "PollHub destroyed with subscribers");
}

void PollHub::subscribe(PollEntry& e) {
    ostd::SpinLockGuard g(lock_);
    ORRERY_ASSERT(e.hub == nullptr, "PollEntry subscribed twice");
    e.hub = this;
    entries_.push_back(e);
}

void PollHub::unsubscribe(PollEntry& e) {
    ostd::SpinLockGuard g(lock_);
    if (e.hub != this) return;
    entries_.remove(e);
    e.hub = nullptr;
}

void PollHub::notify(uint32_t events) {
    ostd::SpinLockGuard g(lock_);
    for (PollEntry* e = entries_.front(); e; e = entries_.next(*e))
        e->fn(*e, events);
}

}  // namespace kernel::fs
