// Host machine lifecycle: RAM, BootInfo, boot of the kernel entry, panic and power-off.
#include <ostd-host/machine.h>

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "boot/init.h"
#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/machine.h"
#include "console_input.h"
#include "context_host.h"
#include "cpu.h"
#include "native_engine.h"
#include "ram.h"
#include "task/sched.h"

#include <ostd/common/log.h>

#if defined(ORRERY_ASAN) || defined(ORRERY_TSAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ostd {
namespace {

BootInfo g_boot_info;
MemoryRegion g_memory_map[1];
std::string g_command_line;

}  // namespace

const BootInfo& boot_info() { return g_boot_info; }

namespace hal {

void print_backtrace() {
#if defined(ORRERY_ASAN) || defined(ORRERY_TSAN)
    __sanitizer_print_stack_trace();
#else
    void* frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
#endif
}

void halt_on_panic() {
    host::console_restore_terminal();
    abort();
}

void power_off(int status) {
    // Only reached outside a running machine (no vCPU to stop): leave the process.
    host::console_restore_terminal();
    _exit(status);
}

}  // namespace hal

namespace host {

Result<uint64_t> parse_size(const char* text) {
    if (!text || !*text) return Error(EINVAL, "empty size");
    uint64_t v = 0;
    const char* p = text;
    if (*p < '0' || *p > '9') return Error(EINVAL, "size must start with a digit");
    for (; *p >= '0' && *p <= '9'; ++p) {
        if (v > (UINT64_MAX - 9) / 10) return Error(ERANGE, "size too large");
        v = v * 10 + static_cast<uint64_t>(*p - '0');
    }
    unsigned shift = 0;
    switch (*p) {
        case '\0': break;
        case 'k': case 'K': shift = 10; ++p; break;
        case 'm': case 'M': shift = 20; ++p; break;
        case 'g': case 'G': shift = 30; ++p; break;
        default: return Error(EINVAL, "unknown size suffix");
    }
    if (*p == 'i' || *p == 'B') ++p;
    if (*p == 'B') ++p;
    if (*p != '\0') return Error(EINVAL, "trailing characters after size");
    if (shift && v > (UINT64_MAX >> shift)) return Error(ERANGE, "size too large");
    return v << shift;
}

int run_machine(const MachineConfig& config, KernelMain entry) {
    uint64_t bytes = align_up(config.mem_bytes, kPageSize);
    if (auto r = ram_create(bytes); r.is_error()) {
        ostd::log(LogLevel::kError, "cannot create %lu bytes of RAM: errno %d",
                  static_cast<unsigned long>(bytes), r.error().code());
        return 1;
    }
    g_command_line = config.command_line;
    g_memory_map[0] = {Paddr(0), bytes, MemoryRegionKind::kUsable};
    g_boot_info = BootInfo{};
    g_boot_info.memory_map = g_memory_map;
    g_boot_info.command_line = g_command_line;
    g_boot_info.initramfs = config.initramfs;
    g_boot_info.deterministic = config.deterministic;
    g_boot_info.num_cpus = config.deterministic ? 1 : (config.cpus ? config.cpus : 1);
    g_boot_info.random_seed = config.seed;
    g_boot_info.virtual_time_limit_ns = config.virtual_time_limit_ns;
    if (config.deterministic) {
        g_boot_info.boot_wall_ns = uint64_t{1767225600} * 1000000000;  // 2026-01-01T00:00:00Z
    } else {
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        g_boot_info.boot_wall_ns = uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
        if (config.seed == 0 && getrandom(&g_boot_info.random_seed, 8, 0) != 8)
            g_boot_info.random_seed = g_boot_info.boot_wall_ns;
    }

    // Host signals that end or resize the session (SIGTERM, ^C from a host shell, SIGWINCH) are
    // blocked in every thread the machine starts (vCPUs, timer, watchdog, console input), so the
    // host delivers them to the caller's thread, which waits in join. A vCPU sleeps in a raw
    // futex, where TSan defers a signal's handler until the thread wakes: an idle machine then
    // never saw SIGTERM.
    sigset_t host_signals, saved_mask;
    sigemptyset(&host_signals);
    for (int sig : {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGWINCH}) sigaddset(&host_signals, sig);
    pthread_sigmask(SIG_BLOCK, &host_signals, &saved_mask);
    console_input_configure(config.console_input);
    if (config.native_user) native::machine_start();
    contexts_machine_begin();
    detail::init_early(g_boot_info);
    // The entry runs as the first task; the machine stops when it returns or on power_off().
    detail::Sched::start(entry, g_boot_info);
    auto run_cpu = [](unsigned i) {
        set_current_cpu(static_cast<int>(i));
        native::vcpu_start();
        detail::Sched::cpu_main(i);
        native::vcpu_stop();
        set_current_cpu(-1);
    };
    if (!config.native_user && g_boot_info.num_cpus == 1) {
        // No per-thread syscall trap to install: the caller's thread is the only vCPU, which
        // spares a host thread (and the sanitizers' per-thread set-up) per boot.
        ORRERY_ASSERT(hal::current_cpu() < 0, "run_machine() called from inside a machine");
        pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
        run_cpu(0);
    } else {
        std::vector<std::thread> cpus;
        cpus.reserve(g_boot_info.num_cpus);
        for (unsigned i = 0; i < g_boot_info.num_cpus; ++i)
            cpus.emplace_back(run_cpu, i);
        pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
        for (auto& t : cpus) t.join();
    }
    console_input_stop();
    native::machine_stop();
    int status = detail::Sched::finish();
    detail::shutdown_late();
    if (size_t n = contexts_reap_machine())
        ORRERY_LOG_DEBUG("machine: %zu contexts left by frozen tasks reclaimed", n);

    g_boot_info = BootInfo{};
    ram_destroy();
    return status;
}

}  // namespace host
}  // namespace ostd
