// orrery: boot the Orrery kernel inside this process on the host backend.
//   orrery run [--mem SIZE] [--cpus N] [--deterministic] [--seed N] [--cmdline "..."]
//              [--initramfs FILE] [--trace] [--[no]sandbox] [-- PROGRAM ARGS...]
//   orrery mount MOUNTPOINT [--initramfs FILE] [--ro] [-f] [-o FUSE_OPTIONS]
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"

#include <kernel/boot/main.h>
#include <ostd-host/machine.h>
#include <ostd-host/sandbox.h>

#include <kernel/syscall/listing.h>
#include <kernel/syscall/table.h>

#include "demo_programs.h"
#include "fuse_mount.h"
#include "replay.h"

ABSL_FLAG(std::string, mem, "256M", "emulated RAM size (e.g. 64M, 1G)");
ABSL_FLAG(unsigned, cpus, 1, "number of vCPUs (host threads)");
ABSL_FLAG(bool, deterministic, false, "one vCPU, virtual clock, seeded randomness");
ABSL_FLAG(uint64_t, seed, 0, "random seed for the kernel (deterministic mode)");
ABSL_FLAG(std::string, cmdline, "", "extra kernel command line words");
ABSL_FLAG(bool, trace, false, "print every syscall, strace-style");
ABSL_FLAG(std::string, initramfs, "", "cpio (newc) archive unpacked into the root file system");
ABSL_FLAG(bool, sandbox, true,
          "confine the orrery process to the host syscalls the backend needs (libseccomp) once "
          "the initramfs is read; --nosandbox to disable");
ABSL_FLAG(bool, ro, false, "mount: export the kernel's VFS read-only");
ABSL_FLAG(bool, foreground, false, "mount: stay in the foreground (also -f)");
ABSL_FLAG(std::string, o, "", "mount: FUSE mount options, comma separated (e.g. allow_other)");

namespace {

const char kUsage[] =
    "orrery COMMAND [FLAGS]\n"
    "Commands:\n"
    "  run [FLAGS] [-- PROGRAM ARGS...]\n"
    "           boot the kernel on the host backend and run PROGRAM as init\n"
    "           (default: the built-in scripted demo, scripted:init)\n"
    "  syscalls [implemented|partial|enosys]\n"
    "           print the Linux syscall table with each call's status\n"
    "  mount MOUNTPOINT [--initramfs FILE] [--ro] [-f] [-o OPTS] [-- PROGRAM ARGS...]\n"
    "           boot the kernel and serve its whole VFS (/, /proc, /dev) on MOUNTPOINT\n"
    "           through FUSE until unmounted (fusermount3 -u MOUNTPOINT) or signalled;\n"
    "           -f stays in the foreground; PROGRAM runs as init meanwhile (default: idle)\n"
    "  replay FILE\n"
    "           show a fuzz/syscalls input as a syscall trace, then re-run it (exactness)\n"
    "Run 'orrery COMMAND --help' for the flags of a command.";

// Prints the syscall table: number, name(argument kinds), status; then the counts.
int cmd_syscalls(const std::string& filter) {
    char line[256];
    for (size_t i = 0; i < kernel::syscall::syscall_count(); ++i) {
        const auto& info = kernel::syscall::syscall_at(i);
        if (!filter.empty() && filter != kernel::syscall::status_name(info.status)) continue;
        kernel::syscall::format_syscall_row(line, sizeof line, info);
        printf("%s\n", line);
    }
    kernel::syscall::format_syscall_summary(line, sizeof line, kernel::syscall::status_counts());
    printf("%s\n", line);
    return 0;
}

// The machine configuration from the common flags and the positional "PROGRAM ARGS..." (from
// index `first_program`). Returns false (after printing why) on bad flags.
bool machine_config(const std::vector<char*>& positional, size_t first_program,
                    ostd::host::MachineConfig& cfg) {
    auto mem = ostd::host::parse_size(absl::GetFlag(FLAGS_mem).c_str());
    if (mem.is_error()) {
        fprintf(stderr, "orrery: bad --mem '%s': %s\n", absl::GetFlag(FLAGS_mem).c_str(),
                strerror(mem.error().code()));
        return false;
    }
    cfg.mem_bytes = mem.value();
    if (cfg.mem_bytes < (uint64_t{4} << 20)) {
        fprintf(stderr, "orrery: --mem must be at least 4M\n");
        return false;
    }
    cfg.cpus = absl::GetFlag(FLAGS_cpus);
    if (cfg.cpus == 0 || cfg.cpus > 64) {
        fprintf(stderr, "orrery: --cpus must be between 1 and 64\n");
        return false;
    }
    cfg.deterministic = absl::GetFlag(FLAGS_deterministic);
    cfg.seed = absl::GetFlag(FLAGS_seed);
    if (std::string path = absl::GetFlag(FLAGS_initramfs); !path.empty()) {
        FILE* f = fopen(path.c_str(), "rb");
        if (!f) {
            fprintf(stderr, "orrery: cannot open --initramfs '%s': %s\n", path.c_str(),
                    strerror(errno));
            return false;
        }
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            for (size_t i = 0; i < n; ++i) cfg.initramfs.push_back(std::byte(chunk[i]));
        fclose(f);
    }
    std::string cmd = absl::GetFlag(FLAGS_cmdline);
    if (absl::GetFlag(FLAGS_trace)) cmd += " trace=1";
    if (positional.size() > first_program) {
        std::string program = positional[first_program];
        if (program.find('/') == std::string::npos && program.find(':') == std::string::npos)
            program = "scripted:" + program;
        cmd += " init=" + program;
        if (positional.size() > first_program + 1) {
            cmd += " --";
            // Quoted so that spaces and quotes inside arguments survive the command line.
            for (size_t i = first_program + 1; i < positional.size(); ++i) {
                cmd += " \"";
                for (const char* c = positional[i]; *c; ++c) {
                    if (*c == '"' || *c == '\\') cmd += '\\';
                    cmd += *c;
                }
                cmd += '"';
            }
        }
    }
    cfg.command_line = cmd;
    return true;
}

int cmd_run(const std::vector<char*>& positional) {
    ostd::host::MachineConfig cfg;
    if (!machine_config(positional, 1, cfg)) return 2;
    cfg.console_input = true;  // The host's stdin is the console terminal's keyboard.
    orrery::harness::register_demo_programs();
    if (absl::GetFlag(FLAGS_sandbox)) {
        if (auto r = ostd::host::enter_sandbox(); r.is_error()) {
            fprintf(stderr, "orrery: cannot enter the sandbox: %s (run with --nosandbox)\n",
                    strerror(r.error().code()));
            return 2;
        }
    }
    return ostd::host::run_machine(cfg, &kernel::main);
}

int cmd_mount(const std::vector<char*>& positional) {
    if (positional.size() < 2) {
        fprintf(stderr, "orrery mount: missing MOUNTPOINT\n");
        return 2;
    }
    ostd::host::MachineConfig cfg;
    if (!machine_config(positional, 2, cfg)) return 2;
    if (cfg.deterministic) {
        // Host requests arrive asynchronously: a deterministic machine would see every task
        // asleep with no timer armed and stop as deadlocked.
        fprintf(stderr, "orrery mount: --deterministic cannot serve host requests\n");
        return 2;
    }
    orrery::harness::register_demo_programs();
    orrery::harness::MountOptions opts;
    opts.mountpoint = positional[1];
    opts.read_only = absl::GetFlag(FLAGS_ro);
    opts.foreground = absl::GetFlag(FLAGS_foreground);
    opts.fuse_options = absl::GetFlag(FLAGS_o);
    return orrery::harness::cmd_mount(opts, cfg);
}

}  // namespace

int main(int argc, char** argv) {
    absl::SetProgramUsageMessage(kUsage);
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            printf("%s\n", kUsage);
            return 0;
        }
        fprintf(stderr, "%s\n", kUsage);
        return 2;
    }
    std::string command = argv[1];
    // Parse flags after the command; argv[1] is dropped so absl sees "orrery --flag ...".
    std::vector<char*> args{argv[0]};
    static char kForeground[] = "--foreground";
    for (int i = 2; i < argc; ++i)  // "-f" is the FUSE tools' spelling of --foreground
        args.push_back(command == "mount" && !strcmp(argv[i], "-f") ? kForeground : argv[i]);
    std::vector<char*> rest = absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
    if (command == "run") return cmd_run(rest);
    if (command == "mount") return cmd_mount(rest);
    if (command == "replay" && rest.size() == 2) return orrery::harness::cmd_replay(rest[1]);
    if (command == "syscalls") return cmd_syscalls(rest.size() > 1 ? rest[1] : "");
    fprintf(stderr, "orrery: unknown command '%s'\n%s\n", command.c_str(), kUsage);
    return 2;
}
