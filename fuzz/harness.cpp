// Boot-per-input runner shared by every fuzz target, the replay tool and the reset tests.
#include "harness.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <ostd/boot/boot_info.h>
#include <ostd/common/log.h>
#include <ostd-host/machine.h>
#include <ostd-host/scripted.h>

#include <kernel/boot/main.h>
#include <kernel/process/user_loop.h>

namespace orrery::fuzz {
namespace {

// The input of the machine being booted: read by the scripted init on its own fiber.
struct Current {
    const uint8_t* data = nullptr;
    size_t size = 0;
    ProgramResult* result = nullptr;
    void (*body)(const uint8_t*, size_t) = nullptr;
    bool machine_coverage = false;
    bool program_finished = false;  // and its coverage saved
};
Current g_current;

int fuzz_init(ostd::host::ScriptedUser& u) {
    if (!g_current.machine_coverage) clear_coverage_counters();  // the machine is up
    int status = run_syscall_program(u, g_current.data, g_current.size, g_current.result);
    if (!g_current.machine_coverage) {
        save_coverage_counters();  // what follows is init's exit and the power-off
        g_current.program_finished = true;
    }
    return status;
}

int body_entry(const ostd::BootInfo&) {
    if (!g_current.machine_coverage) clear_coverage_counters();
    g_current.body(g_current.data, g_current.size);
    return 0;
}

// One configuration object reused from boot to boot, so that its strings keep their capacity:
// under ASan every host allocation records a stack trace, and a boot per input adds up.
ostd::host::MachineConfig& machine(const RunOptions& o, const char* command_line) {
    static ostd::host::MachineConfig c;
    c.command_line.assign(command_line);
    c.mem_bytes = o.mem_bytes;
    if (const char* m = getenv("ORRERY_FUZZ_MEM"); m && *m) {
        if (auto v = ostd::host::parse_size(m); v.is_ok()) c.mem_bytes = v.value();
    }
    c.cpus = 1;
    c.deterministic = true;
    c.native_user = false;  // scripted users only: no user window, no syscall trap
    c.seed = o.seed;
    c.virtual_time_limit_ns = o.virtual_time_limit_ns;
    return c;
}

}  // namespace

// The linker's bounds of the counter section that -fsanitize-coverage=inline-8bit-counters
// fills (the same bounds the instrumented module hands to libFuzzer); weak, so null without it.
extern "C" {
extern uint8_t __start___sancov_cntrs __attribute__((weak, visibility("hidden")));
extern uint8_t __stop___sancov_cntrs __attribute__((weak, visibility("hidden")));
}

namespace {
std::span<uint8_t> coverage_counters() {
    uint8_t* begin = &__start___sancov_cntrs;
    uint8_t* end = &__stop___sancov_cntrs;
    if (!begin || end <= begin) return {};
    return {begin, static_cast<size_t>(end - begin)};
}
std::vector<uint8_t> g_saved_counters;
}  // namespace

void clear_coverage_counters() {
    std::span<uint8_t> c = coverage_counters();
    if (!c.empty()) memset(c.data(), 0, c.size());
}

void save_coverage_counters() {
    std::span<uint8_t> c = coverage_counters();
    g_saved_counters.assign(c.begin(), c.end());
}

void restore_coverage_counters() {
    std::span<uint8_t> c = coverage_counters();
    if (!c.empty() && g_saved_counters.size() == c.size())
        memcpy(c.data(), g_saved_counters.data(), c.size());
}

void fuzz_init_logging() {
    if (!getenv("ORRERY_FUZZ_VERBOSE")) ostd::set_log_level(ostd::LogLevel::kWarn);
}

RunResult run_syscall_input(const uint8_t* data, size_t size, const RunOptions& options) {
    RunResult r;
    g_current = {data, size, &r.program, nullptr, options.machine_coverage};
    // Stays registered (under the same entry address) from one input to the next.
    ostd::host::register_scripted_program("fuzz", &fuzz_init);
    // Kernel switches that live in host globals are reset before each boot as well.
    kernel::set_syscall_trace(false);
    const auto& config =
        machine(options, options.trace ? "init=scripted:fuzz trace=1" : "init=scripted:fuzz");
    r.status = ostd::host::run_machine(config, &kernel::main);
    if (g_current.program_finished) restore_coverage_counters();
    kernel::set_syscall_trace(false);
    r.outcome = r.status == ostd::kMachineHungStatus ? Outcome::kHung : Outcome::kExited;
    g_current = {};
    return r;
}

int run_kernel_body(void (*body)(const uint8_t*, size_t), const uint8_t* data, size_t size,
                    const RunOptions& options) {
    g_current = {data, size, nullptr, body, options.machine_coverage};
    int status = ostd::host::run_machine(machine(options, ""), &body_entry);
    g_current = {};
    return status;
}

void report_outcome(const RunResult& r) {
    if (r.outcome != Outcome::kHung) return;
    const char* crash = getenv("ORRERY_FUZZ_HANG_IS_CRASH");
    if (crash && *crash == '1') {
        fprintf(stderr, "==orrery-fuzz== HANG: the input exceeded its virtual-time budget\n");
        abort();
    }
}

}  // namespace orrery::fuzz
