// Host vCPUs: each CPU is a host thread; its identity lives in a thread_local read only here,
// behind a non-inlined function, so no TLS address is cached across a fiber migration.
#include "cpu.h"

#include "hal/cpu.h"

namespace ostd::host {
namespace {

thread_local int t_cpu = -1;

}  // namespace

__attribute__((noinline)) void set_current_cpu(int cpu) {
    t_cpu = cpu;
}

}  // namespace ostd::host

namespace ostd::hal {

__attribute__((noinline)) int current_cpu() {
    return host::t_cpu;
}

void cpu_wait(const std::atomic<uint32_t>& pending) {
    // C++20 atomic wait: a futex on Linux, so an idle vCPU costs no host CPU time.
    pending.wait(0, std::memory_order_acquire);
}

void cpu_kick(std::atomic<uint32_t>& pending) {
    pending.notify_all();
}

}  // namespace ostd::hal
