// The export service's life in the machine: started at boot when the command line asks for it
// (`export=1`, `export.ro=1`, `export.workers=N`), stopped after init ends. The host side
// (harness/fuse) waits for HostCallQueue::is_running() and ends the machine with a host call
// to request_shutdown().
#pragma once

#include <kernel/process/process.h>
#include <ostd/boot/boot_info.h>

namespace kernel::fs::exporter {

/// Starts the Exporter on `init`'s mount namespace and the HostCallQueue, if the command line
/// says export=1. Call after fs_boot(). ENOMEM, EBUSY, EINVAL (bad export.workers).
ostd::Result<void> boot_service(Process& init, const ostd::BootInfo& boot);
/// Stops the queue (running what is queued) and the exporter, after syncing. No-op if not
/// started.
void stop_service();
/// Ends the machine from inside: syncs the file systems and ends init as SIGKILL would (a
/// power-off). Kernel task context (a host call).
void request_shutdown();
/// Whether request_shutdown() ran since boot (the harness reports a clean exit then).
bool shutdown_requested();

}  // namespace kernel::fs::exporter
