// Export service wiring: boot arguments, start/stop order (queue first, then the exporter), and
// the shutdown request that ends init.
#include <kernel/fs/export/service.h>

#include <atomic>

#include <kernel/fs/export/exporter.h>
#include <kernel/fs/export/host_call.h>
#include <kernel/fs/process_files.h>
#include <kernel/process/process_table.h>
#include <kernel/process/user_loop.h>
#include <ostd/common/log.h>

namespace kernel::fs::exporter {
namespace {
std::atomic<bool> g_started{false};
std::atomic<bool> g_shutdown{false};
constexpr int kSigKill = 9;

ostd::Result<unsigned> workers_arg(const ostd::BootInfo& boot) {
    std::string_view w = ostd::boot_arg("export.workers");
    if (w.empty()) return boot.num_cpus + 3;
    unsigned n = 0;
    for (char c : w) {
        if (c < '0' || c > '9' || n > 1000) return ostd::Error(EINVAL, "bad export.workers");
        n = n * 10 + unsigned(c - '0');
    }
    if (n == 0 || n > HostCallQueue::kMaxWorkers) return ostd::Error(EINVAL, "export.workers");
    return n;
}
}  // namespace

ostd::Result<void> boot_service(Process& init, const ostd::BootInfo& boot) {
    if (ostd::boot_arg("export") != "1") return ostd::ok();
    unsigned workers = TRY(workers_arg(boot));
    ProcessFiles* files = TRY(files_of(init));
    Exporter::Options opts;
    opts.read_only = ostd::boot_arg("export.ro") == "1";
    g_shutdown.store(false);
    TRY(Exporter::start(ostd::Ref<MountNamespace>(files->fs->mount_namespace()), opts));
    if (auto r = HostCallQueue::start(workers); r.is_error()) {
        Exporter::stop();
        return r;
    }
    g_started.store(true);
    ostd::log(ostd::LogLevel::kInfo, "export: serving the VFS with %u workers%s", workers,
              opts.read_only ? " (read-only)" : "");
    return ostd::ok();
}

void stop_service() {
    if (!g_started.exchange(false)) return;
    HostCallQueue::stop();
    Exporter::stop();
}

void request_shutdown() {
    if (Exporter* ex = Exporter::get()) ex->sync();
    g_shutdown.store(true);
    // Ends init as SIGKILL would, without the signal path: send_signal(SIGKILL) touches the
    // process's signal state after exit_process(), which init's reaper may free meanwhile.
    if (ostd::RefPtr<Process> init = ProcessTable::find_process(1))
        exit_process(*init, wait_status_signaled(kSigKill, false));
}

bool shutdown_requested() {
    return g_shutdown.load();
}

}  // namespace kernel::fs::exporter
