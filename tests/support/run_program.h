// Test support: boot the real kernel with a scripted program as init and get its exit status.
// The program's syscalls go through the kernel's real dispatch path.
#pragma once

#include <string>

#include <ostd-host/machine.h>
#include <ostd-host/scripted.h>

namespace orrery::testing {

/// Registers `program` as scripted:<name>, boots kernel::main with init=scripted:<name> (plus
/// `extra_cmdline`), and returns the machine's exit status (init's exit code, 128+sig if killed).
int run_program(const std::string& name, ostd::host::ScriptedMain program,
                ostd::host::MachineConfig config = {}, const std::string& extra_cmdline = "");

/// A small machine for kernel tests: 64 MiB, `cpus` vCPUs.
ostd::host::MachineConfig kernel_machine(unsigned cpus = 1);

}  // namespace orrery::testing
