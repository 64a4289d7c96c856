// pid 1: parse the command line, load init, run it, and report how it ended.
#include <kernel/init/init.h>

#include <ostd/common/log.h>
#include <ostd/task/task.h>

#include <kernel/fs/export/service.h>
#include <kernel/fs/fs_boot.h>
#include <kernel/fs/process_files.h>
#include <kernel/lib/random.h>
#include <kernel/process/process_table.h>
#include <kernel/process/program.h>
#include <kernel/process/user_loop.h>
#include <kernel/signal/signal.h>
#include <kernel/syscall/clone.h>
#include <kernel/time/clock.h>
#include <kernel/time/host_name.h>
#include <kernel/tty/console.h>

namespace kernel {
namespace {

constexpr size_t kMaxInitArgs = 32;

// Splits the text after " -- " on the command line into words. A word may be written in double
// quotes, inside which backslash escapes the next character (so any argument survives). The
// words are unescaped into `storage` (which must outlive `out`).
size_t split_init_args(std::string_view cmd, std::string_view* out, size_t max, char* storage,
                       size_t storage_size) {
    size_t n = 0;
    size_t dash = cmd.find(" -- ");
    if (dash == std::string_view::npos) {
        if (cmd.substr(0, 3) != "-- ") return 0;
        dash = 0;
    } else {
        dash += 1;
    }
    std::string_view rest = cmd.substr(dash + 3);
    size_t pos = 0, used = 0;
    while (pos < rest.size() && n < max) {
        while (pos < rest.size() && rest[pos] == ' ') ++pos;
        if (pos >= rest.size()) break;
        size_t begin = used;
        bool quoted = false;
        for (; pos < rest.size() && (quoted || rest[pos] != ' '); ++pos) {
            char c = rest[pos];
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (c == '\\' && quoted && pos + 1 < rest.size()) c = rest[++pos];
            if (used < storage_size) storage[used++] = c;
        }
        out[n++] = std::string_view(storage + begin, used - begin);
    }
    return n;
}

// Init is gone: kill what is left (as SIGKILL would), give it a moment to unwind, and free the
// process table if everything exited.
void shutdown_processes() {
    constexpr int kSigKill = 9;
    if (auto all = ProcessTable::all_processes(); all.is_ok())
        for (auto& p : all.value()) exit_process(*p, wait_status_signaled(kSigKill, false));
    for (int i = 0; i < 100 && ProcessTable::process_count() > 0; ++i)
        ostd::sleep_for(10 * 1000 * 1000);
    if (ProcessTable::process_count() == 0) {
        tty::console_shutdown();  // No reader is left inside the console tty.
        ProcessTable::shutdown();
    }
}

}  // namespace

int run_init(const ostd::BootInfo& boot) {
    ProcessTable::init();
    signal::init();
    init_clone();
    random_init(boot.random_seed);
    clock_init(boot.boot_wall_ns);
    uts_init();
    if (auto r = tty::console_init(); r.is_error())
        ostd::log(ostd::LogLevel::kWarn, "console tty: errno %d", r.error().code());
    if (ostd::boot_arg("trace") == "1") set_syscall_trace(true);
    std::string_view path = ostd::boot_arg("init");
    if (path.empty()) path = "scripted:init";

    std::string_view argv[kMaxInitArgs + 1];
    argv[0] = path;
    static char arg_storage[4096];  // Only the boot task runs this.
    size_t argc = 1 + split_init_args(boot.command_line, argv + 1, kMaxInitArgs, arg_storage,
                                      sizeof arg_storage);
    std::string_view envp[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"};

    auto thread = ProcessTable::create_init();
    if (thread.is_error()) {
        ostd::log(ostd::LogLevel::kError, "cannot create init: errno %d", thread.error().code());
        return 1;
    }
    Process& proc = thread.value()->process();
    if (auto r = fs::fs_boot(proc, boot); r.is_error()) return 1;  // logged by fs_boot
    if (auto r = fs::exporter::boot_service(proc, boot); r.is_error()) {
        ostd::log(ostd::LogLevel::kError, "cannot start the export service: %s",
                  ostd::errno_name(r.error().code()));
        return 1;
    }
    ostd::String loaded;
    auto ctx = load_program(proc, proc.address_space(),
                            {path, {argv, argc}, {envp, sizeof envp / sizeof envp[0]}, &loaded});
    if (ctx.is_ok() && !loaded.is_empty()) {
        auto exe = fs::lookup_exe(proc, loaded.view());
        if (exe.is_ok()) fs::set_exe(proc, exe.release_value());
    }
    if (ctx.is_error()) {
        ostd::log(ostd::LogLevel::kError, "cannot start init '%.*s': %s%s%s",
                  static_cast<int>(path.size()), path.data(),
                  ostd::errno_name(ctx.error().code()), ctx.error().note() ? ": " : "",
                  ctx.error().note() ? ctx.error().note() : "");
        fs::exporter::stop_service();
        return 127;
    }
    if (auto r = start_thread(thread.value(), ctx.value()); r.is_error()) {
        ostd::log(ostd::LogLevel::kError, "cannot run init: errno %d", r.error().code());
        fs::exporter::stop_service();
        return 1;
    }
    (void)proc.child_wait().wait_until([&] { return proc.state() != Process::State::kAlive; });
    int status = proc.exit_status();
    thread = ostd::Error(ESRCH);  // Drop our reference to init's thread.
    fs::exporter::stop_service();
    shutdown_processes();
    if ((status & 0x7f) == 0) return (status >> 8) & 0xff;
    ostd::log(ostd::LogLevel::kWarn, "init killed by signal %d", status & 0x7f);
    return 128 + (status & 0x7f);
}

}  // namespace kernel
