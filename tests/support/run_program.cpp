// Boots kernel::main with a registered scripted init.
#include "run_program.h"

#include <kernel/boot/main.h>

namespace orrery::testing {

int run_program(const std::string& name, ostd::host::ScriptedMain program,
                ostd::host::MachineConfig config, const std::string& extra_cmdline) {
    ostd::host::register_scripted_program(name, std::move(program));
    config.command_line = "init=scripted:" + name + " " + extra_cmdline;
    return ostd::host::run_machine(config, &kernel::main);
}

ostd::host::MachineConfig kernel_machine(unsigned cpus) {
    ostd::host::MachineConfig c;
    c.mem_bytes = uint64_t{64} << 20;
    c.cpus = cpus;
    return c;
}

}  // namespace orrery::testing
