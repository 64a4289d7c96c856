// `orrery mount`: boot the kernel and serve its VFS on a host directory through FUSE.
#pragma once

#include <vector>

#include <ostd-host/machine.h>

namespace orrery::harness {

struct MountOptions {
    const char* mountpoint = nullptr;
    bool read_only = false;
    bool foreground = false;
    std::string fuse_options;  // -o, comma separated
};

/// Mounts, serves until unmounted or SIGINT/SIGTERM/SIGHUP, then shuts the machine down
/// (file systems synced first). `cfg.command_line` may name an init; without one a scripted
/// idle init keeps the machine alive. Returns the exit status for the CLI.
int cmd_mount(const MountOptions& opts, ostd::host::MachineConfig cfg);

}  // namespace orrery::harness
