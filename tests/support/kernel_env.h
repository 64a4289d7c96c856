// Test support: boot a host machine and run a test body as the kernel's first task.
#pragma once

#include <functional>

#include <ostd-host/machine.h>

namespace orrery::testing {

/// Boots a machine with `config`, runs `body` inside it as the kernel entry, tears it down.
/// Returns the machine's exit status (0 when body returns normally).
int run_in_kernel(const std::function<void()>& body, ostd::host::MachineConfig config = {});

/// A config for small, fast test machines (32 MiB, 1 vCPU).
ostd::host::MachineConfig small_machine(unsigned cpus = 1);

}  // namespace orrery::testing
