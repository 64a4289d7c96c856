// HostCallQueue: a Treiber stack filled by host threads, drained in batches by worker tasks
// under a SpinLock (one consumer at a time, so no ABA); an IRQ line wakes a sleeping worker.
#include <kernel/fs/export/host_call.h>

#include <optional>

#include <ostd/common/log.h>
#include <ostd/irq/irq.h>
#include <ostd/sync/spinlock.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>

namespace kernel::fs::exporter {
namespace {

struct State {
    std::atomic<HostCall*> intake{nullptr};  // pushed by host threads, newest first
    std::atomic<int> submitters{0};          // host threads inside submit()
    std::atomic<bool> running{false};
    std::atomic<bool> stopping{false};
    std::atomic<uint64_t> completed{0};
    ostd::SpinLock lock;
    HostCall* pending_head ORRERY_GUARDED_BY(lock) = nullptr;  // oldest first
    ostd::WaitQueue wq;
    ostd::IrqLine* line = nullptr;
    std::optional<ostd::TaskRef> workers[HostCallQueue::kMaxWorkers];
    unsigned nworkers = 0;
};

State g;

void doorbell(ostd::IrqLine&, void*) {
    g.wq.wake_one();
}

bool has_work() {
    if (g.intake.load(std::memory_order_acquire) != nullptr) return true;
    ostd::SpinLockGuard l(g.lock);
    return g.pending_head != nullptr;
}

// The oldest queued call, moving the intake stack (reversed into FIFO order) onto the pending
// list first when that is empty. Wakes another worker when more work remains.
HostCall* take() {
    HostCall* call = nullptr;
    bool more = false;
    {
        ostd::SpinLockGuard l(g.lock);
        if (!g.pending_head) {
            HostCall* batch = g.intake.exchange(nullptr, std::memory_order_acq_rel);
            HostCall* fifo = nullptr;
            while (batch) {
                HostCall* next = batch->next;
                batch->next = fifo;
                fifo = batch;
                batch = next;
            }
            g.pending_head = fifo;
        }
        call = g.pending_head;
        if (call) {
            g.pending_head = call->next;
            call->next = nullptr;
        }
        more = g.pending_head != nullptr;
    }
    if (more || g.intake.load(std::memory_order_acquire)) g.wq.wake_one();
    return call;
}

int worker_main() {
    for (;;) {
        if (HostCall* call = take()) {
            call->run(*call);
            g.completed.fetch_add(1, std::memory_order_relaxed);
            call->done(*call);
            continue;
        }
        if (g.stopping.load(std::memory_order_acquire)) return 0;
        (void)g.wq.wait_until(
            [] { return g.stopping.load(std::memory_order_acquire) || has_work(); });
    }
}

}  // namespace

ostd::Result<void> HostCallQueue::start(unsigned workers) {
    if (workers == 0 || workers > kMaxWorkers) return ostd::Error(EINVAL, "worker count");
    if (g.running.load() || g.nworkers != 0) return ostd::Error(EBUSY, "host calls running");
    g.stopping.store(false);
    g.completed.store(0);
    g.line = TRY(ostd::IrqLine::allocate());
    if (auto r = g.line->add_handler(&doorbell, nullptr); r.is_error()) {
        g.line->release();
        g.line = nullptr;
        return r.error();
    }
    g.line->enable();
    for (unsigned i = 0; i < workers; ++i) {
        auto t = ostd::Task::spawn(ostd::TaskOptions(&worker_main).name("host-call"));
        if (t.is_error()) {
            g.running.store(true);  // so stop() tears down what started
            stop();
            return t.error();
        }
        g.workers[g.nworkers++].emplace(std::move(t.value()));
    }
    g.running.store(true);
    return ostd::ok();
}

void HostCallQueue::stop() {
    if (!g.running.exchange(false)) return;
    while (g.submitters.load() > 0)
        ostd::yield_now();
    g.stopping.store(true, std::memory_order_release);
    g.wq.wake_all();
    for (unsigned i = 0; i < g.nworkers; ++i) {
        (void)(*g.workers[i])->join();
        g.workers[i].reset();
    }
    g.nworkers = 0;
    // Workers drain everything before they exit; anything left means there were none.
    while (HostCall* call = take()) {
        call->cancelled = true;
        call->done(*call);
    }
    g.line->release();
    g.line = nullptr;
}

bool HostCallQueue::submit(HostCall& call) {
    g.submitters.fetch_add(1);
    if (!g.running.load()) {
        g.submitters.fetch_sub(1);
        return false;
    }
    call.cancelled = false;
    HostCall* head = g.intake.load(std::memory_order_relaxed);
    do {
        call.next = head;
    } while (!g.intake.compare_exchange_weak(head, &call, std::memory_order_release,
                                             std::memory_order_relaxed));
    g.line->raise();
    g.submitters.fetch_sub(1);
    return true;
}

bool HostCallQueue::is_running() {
    return g.running.load();
}

uint64_t HostCallQueue::completed() {
    return g.completed.load(std::memory_order_relaxed);
}

}  // namespace kernel::fs::exporter
