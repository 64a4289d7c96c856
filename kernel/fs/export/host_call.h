// HostCallQueue: lets threads outside the machine (host threads such as FUSE workers) run a
// function on a kernel task and learn when it finished. Intake is a lock-free stack plus an IRQ
// line (the one cross-thread doorbell ostd offers); a pool of kernel worker tasks drains it.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/common/result.h>

namespace kernel::fs::exporter {

/// One call. The submitter owns it and keeps it alive until `done` ran.
struct HostCall {
    /// Runs on a kernel worker task (may sleep, may use any kernel API).
    void (*run)(HostCall& call) = nullptr;
    /// Runs on the same worker right after `run`, or at stop() for calls that never ran (then
    /// `cancelled` is true). Must not sleep: it only signals the waiting host thread.
    void (*done)(HostCall& call) = nullptr;
    bool cancelled = false;
    HostCall* next = nullptr;  // queue link, owned by the queue while queued
};

class HostCallQueue {
public:
    inline static constexpr unsigned kMaxWorkers = 16;

    /// Starts `workers` kernel tasks (1..kMaxWorkers) and the IRQ doorbell. Kernel task
    /// context. EINVAL (worker count), EBUSY (already running), ENOMEM, or the IRQ line errors.
    static ostd::Result<void> start(unsigned workers);
    /// Refuses new calls, waits for submitters in flight, runs what is queued, joins the
    /// workers and frees the IRQ line. Kernel task context; no-op when not running.
    static void stop();
    /// Queues `call` and rings the doorbell. Callable from any host thread (not from a kernel
    /// task that would then wait for it: that may deadlock a 1-vCPU machine). Returns false
    /// (call untouched) when the queue is not running.
    static bool submit(HostCall& call);
    static bool is_running();
    /// Calls completed since start (for tests and statistics).
    static uint64_t completed();
};

}  // namespace kernel::fs::exporter
