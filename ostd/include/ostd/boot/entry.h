// The contract between ostd and the kernel at boot and shutdown.
#pragma once

#include <ostd/boot/boot_info.h>

namespace ostd {

/// The kernel's entry point. ostd calls it as the first task once memory, CPUs, interrupts and
/// timers are up. Its return value is the machine's exit status (the host process's on the host
/// backend, isa-debug-exit's on QEMU).
using KernelMain = int (*)(const BootInfo& boot);

/// Stops the machine from any task with the given exit status. Does not return.
[[noreturn]] void power_off(int status);

}  // namespace ostd
