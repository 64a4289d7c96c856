// Runs gtest bodies inside a booted host machine.
#include "kernel_env.h"

namespace orrery::testing {
namespace {

const std::function<void()>* g_body = nullptr;

int body_entry(const ostd::BootInfo&) {
    (*g_body)();
    return 0;
}

}  // namespace

int run_in_kernel(const std::function<void()>& body, ostd::host::MachineConfig config) {
    g_body = &body;
    int status = ostd::host::run_machine(config, &body_entry);
    g_body = nullptr;
    return status;
}

ostd::host::MachineConfig small_machine(unsigned cpus) {
    ostd::host::MachineConfig c;
    c.mem_bytes = uint64_t{32} << 20;
    c.cpus = cpus;
    return c;
}

}  // namespace orrery::testing
