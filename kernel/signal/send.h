// Internal helpers around sending: SIGCHLD to a parent on child state changes.
#pragma once

#include <kernel/signal/state.h>

namespace kernel::signal {

/// Sends SIGCHLD (code CLD_*, status = exit code or signal) to child's parent, honouring the
/// parent's SA_NOCLDSTOP for stop/continue. Task context.
void notify_parent(Process& child, int code, int status);
/// ProcessHooks::on_child_state: SIGCHLD for an exited child.
void child_state_changed(Process& parent, Process& child);

}  // namespace kernel::signal
