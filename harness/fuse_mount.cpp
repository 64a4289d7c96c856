// `orrery mount`: FUSE session setup, the machine on its own host thread, the multi-threaded
// FUSE loop, and an orderly shutdown (unmount, sync, end init, join the machine).
#include "fuse_mount.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <kernel/boot/main.h>
#include <kernel/fs/export/host_call.h>
#include <kernel/fs/export/service.h>
#include <ostd-host/scripted.h>

#include "fuse_ops.h"
#include "kernel_call.h"

namespace orrery::harness {
namespace {

constexpr const char* kIdleInit = "orrery-mount-idle";

// The default init while mounted: sleeps in pause(2) until the machine is shut down.
int idle_init(ostd::host::ScriptedUser& u) {
    for (;;)
        u.syscall(SYS_pause);
}

fuse_session* g_session = nullptr;

void on_stop_signal(int) {
    if (g_session) fuse_session_exit(g_session);
}

// libfuse leaves a signal alone when it is ignored (as SIGINT is for background jobs of a
// non-interactive shell); `orrery mount` stops on all three regardless.
void catch_stop_signals(fuse_session* se) {
    g_session = se;
    struct sigaction sa {};
    sa.sa_handler = &on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        sigaction(sig, &sa, nullptr);
}

void detach_mount(const char* mountpoint) {
    if (umount2(mountpoint, MNT_DETACH) == 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("fusermount3", "fusermount3", "-u", "-z", mountpoint, static_cast<char*>(nullptr));
        _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
}

}  // namespace

int cmd_mount(const MountOptions& opts, ostd::host::MachineConfig cfg) {
    ostd::host::register_scripted_program(kIdleInit, &idle_init);
    if (cfg.command_line.find("init=") == std::string::npos)
        cfg.command_line += std::string(" init=scripted:") + kIdleInit;
    cfg.command_line += " export=1";
    if (opts.read_only) cfg.command_line += " export.ro=1";

    std::vector<std::string> words = {"orrery", "-o", "fsname=orrery,subtype=orrery"};
    if (opts.read_only) words.insert(words.end(), {"-o", "ro"});
    if (!opts.fuse_options.empty()) words.insert(words.end(), {"-o", opts.fuse_options});
    std::vector<char*> argv;
    for (auto& w : words)
        argv.push_back(w.data());
    fuse_args args = FUSE_ARGS_INIT(int(argv.size()), argv.data());
    const fuse_lowlevel_ops& ops = fuse_operations();
    fuse_session* se = fuse_session_new(&args, &ops, sizeof ops, nullptr);
    fuse_opt_free_args(&args);  // parsed into the session (libfuse may have grown the list)
    if (!se) {
        fprintf(stderr, "orrery mount: bad FUSE options '%s'\n", opts.fuse_options.c_str());
        return 2;
    }
    (void)fuse_set_signal_handlers(se);  // also ignores SIGPIPE
    catch_stop_signals(se);
    if (fuse_session_mount(se, opts.mountpoint) != 0) {
        fprintf(stderr, "orrery mount: cannot mount on '%s'\n", opts.mountpoint);
        fuse_session_destroy(se);
        return 1;
    }
    fprintf(stderr, "orrery mount: kernel VFS on %s; unmount with: fusermount3 -u %s\n",
            opts.mountpoint, opts.mountpoint);
    if (!opts.foreground && fuse_daemonize(0) != 0) {
        fuse_session_unmount(se);
        fuse_session_destroy(se);
        return 1;
    }

    std::atomic<bool> machine_done{false};
    std::atomic<bool> stopping{false};
    int machine_status = 0;
    std::thread machine([&] {
        // Termination signals go to the main thread (the FUSE loop), never to a vCPU.
        sigset_t s;
        sigemptyset(&s);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
            sigaddset(&s, sig);
        pthread_sigmask(SIG_BLOCK, &s, nullptr);
        machine_status = ostd::host::run_machine(cfg, &kernel::main);
        machine_done.store(true);
        if (!stopping.load()) {  // init ended by itself: end the FUSE loop too
            fuse_session_exit(se);
            detach_mount(opts.mountpoint);
        }
    });
    while (!kernel::fs::exporter::HostCallQueue::is_running() && !machine_done.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(2));

    int loop_rc = 0;
    if (!machine_done.load()) {
        fuse_loop_config* lc = fuse_loop_cfg_create();
        fuse_loop_cfg_set_clone_fd(lc, 0);
        fuse_loop_cfg_set_max_threads(lc, 32);
        loop_rc = fuse_session_loop_mt(se, lc);
        fuse_loop_cfg_destroy(lc);
    }
    stopping.store(true);
    fuse_session_unmount(se);
    // Sync and end init; the machine then stops the export service and powers off.
    run_in_kernel_task([] { kernel::fs::exporter::request_shutdown(); });
    machine.join();
    fuse_remove_signal_handlers(se);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    g_session = nullptr;
    fuse_session_destroy(se);
    if (kernel::fs::exporter::shutdown_requested()) return loop_rc < 0 ? 1 : 0;
    fprintf(stderr, "orrery mount: the machine stopped by itself (status %d)\n", machine_status);
    return machine_status;
}

}  // namespace orrery::harness
