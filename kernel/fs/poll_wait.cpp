// poll_files: readiness scan plus wait-queue sleep driven by PollHub callbacks.
#include <atomic>

#include <kernel/abi/io.h>
#include <kernel/fs/poll_wait.h>
#include <ostd/timer/timer.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;
namespace pl = abi::poll;

namespace {

struct Poller {
    ostd::WaitQueue wq;
    std::atomic<bool> fired{false};
};

void on_event(PollEntry& e, uint32_t) {
    auto* p = static_cast<Poller*>(e.ctx);
    p->fired.store(true);
    p->wq.wake_all();
}

}  // namespace

Result<int> poll_files(std::span<PollRequest> reqs, uint64_t timeout_ns) {
    Poller poller;
    ostd::Vector<ostd::Box<PollEntry>> entries;
    TRY(entries.reserve(reqs.size()));
    for (PollRequest& r : reqs) {
        PollHub* hub = r.file ? r.file->poll_hub() : nullptr;
        if (!hub) continue;
        ostd::Box<PollEntry> e = TRY(ostd::try_make_box<PollEntry>());
        e->fn = &on_event;
        e->ctx = &poller;
        hub->subscribe(*e);
        MUST(entries.push_back(std::move(e)));
    }
    uint64_t deadline =
        timeout_ns == ostd::kNoTimeout ? ostd::kNoTimeout : ostd::time::now() + timeout_ns;
    Result<int> result = 0;
    for (;;) {
        poller.fired.store(false);
        int ready = 0;
        for (PollRequest& r : reqs) {
            if (!r.file) {
                r.revents = uint32_t(pl::kNval);
            } else {
                uint32_t always = uint32_t(pl::kErr | pl::kHup);
                r.revents = r.file->poll_events() & (r.events | always);
            }
            if (r.revents) ++ready;
        }
        if (ready) {
            result = ready;
            break;
        }
        uint64_t left = ostd::kNoTimeout;
        if (deadline != ostd::kNoTimeout) {
            uint64_t now = ostd::time::now();
            if (now >= deadline) break;
            left = deadline - now;
        }
        auto w =
            poller.wq.wait_until([&] { return poller.fired.load(); },
                                 {.interruptible = ostd::Interruptible::kYes, .timeout_ns = left});
        if (w.is_error()) {
            if (w.error().code() == ETIMEDOUT)
                continue;  // one last scan, then the deadline ends it
            result = Error(EINTR, "poll interrupted");
            break;
        }
    }
    for (size_t i = 0; i < entries.size(); ++i)
        if (entries[i]->hub) entries[i]->hub->unsubscribe(*entries[i]);
    return result;
}

}  // namespace kernel::fs
