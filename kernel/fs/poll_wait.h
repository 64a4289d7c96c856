// poll(2) over Files: subscribe to every file's PollHub, check readiness, sleep until a hub
// fires, the timeout passes or a signal interrupts. select/pselect/ppoll build on it.
#pragma once

#include <span>

#include <kernel/fs/file.h>
#include <ostd/sync/wait_queue.h>

namespace kernel::fs {

struct PollRequest {
    ostd::RefPtr<File> file;  // null: the fd was invalid (reports POLLNVAL)
    uint32_t events = 0;      // POLL* bits asked for
    uint32_t revents = 0;     // filled in
};

/// Fills each revents and returns how many are non-zero. `timeout_ns`: 0 polls once,
/// ostd::kNoTimeout waits forever. EINTR when interrupted before anything was ready; ENOMEM.
ostd::Result<int> poll_files(std::span<PollRequest> reqs, uint64_t timeout_ns);

}  // namespace kernel::fs
