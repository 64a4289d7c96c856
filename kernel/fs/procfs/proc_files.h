// Generators for the system-wide /proc files, each producing the text Linux tools parse.
#pragma once

#include <kernel/fs/mount.h>
#include <ostd/ktl/string.h>

namespace kernel::fs::procfs {

ostd::Result<ostd::String> gen_meminfo(const Path& at);
ostd::Result<ostd::String> gen_cpuinfo(const Path& at);
ostd::Result<ostd::String> gen_uptime(const Path& at);
/// /proc/stat: per-CPU time lines (no accounting of busy time yet: all idle), btime, processes.
ostd::Result<ostd::String> gen_stat(const Path& at);
/// /proc/loadavg: load averages (not tracked: 0.00) and running/total tasks, last pid.
ostd::Result<ostd::String> gen_loadavg(const Path& at);
ostd::Result<ostd::String> gen_filesystems(const Path& at);
/// The mounts of the namespace `at` belongs to, in /proc/mounts (fstab) format.
ostd::Result<ostd::String> gen_mounts(const Path& at);
ostd::Result<ostd::String> gen_ostype(const Path& at);
ostd::Result<ostd::String> gen_osrelease(const Path& at);
ostd::Result<ostd::String> gen_hostname(const Path& at);

}  // namespace kernel::fs::procfs
