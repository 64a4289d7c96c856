// Readiness notification for files: a PollHub per pollable object (pipe, eventfd, tty, socket)
// keeps subscribed PollEntry records and calls them when its readiness changes. poll/select
// and epoll subscribe entries; the owner calls notify() after every state change.
// Lock order: a PollHub's lock is a leaf except that callbacks may wake WaitQueues.
#pragma once

#include <cstdint>

#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/spinlock.h>

namespace kernel::fs {

class PollHub;

/// One subscription. `fn` runs under the hub's SpinLock: it must not sleep or allocate.
struct PollEntry {
    void (*fn)(PollEntry& self, uint32_t events) = nullptr;
    void* ctx = nullptr;
    PollHub* hub = nullptr;  // set while subscribed
    ostd::ListNode link;
};

class PollHub {
public:
    PollHub() = default;
    PollHub(const PollHub&) = delete;
    PollHub& operator=(const PollHub&) = delete;
    ~PollHub();

    /// Precondition: `e` is not subscribed anywhere.
    void subscribe(PollEntry& e);
    /// No-op when `e` is not subscribed.
    void unsubscribe(PollEntry& e);
    /// Calls every subscriber with `events` (the new readiness, or a hint). Any context.
    void notify(uint32_t events);

private:
    ostd::SpinLock lock_;
    ostd::IntrusiveList<PollEntry, &PollEntry::link> entries_ ORRERY_GUARDED_BY(lock_);
};

}  // namespace kernel::fs
