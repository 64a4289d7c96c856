// Generators for the per-process /proc/<pid> files (stat, status, statm, cmdline, environ,
// maps, comm), each in the text format Linux's fs/proc/array.c and task_mmu.c produce.
#pragma once

#include <kernel/process/process.h>
#include <ostd/ktl/string.h>

namespace kernel::fs::procfs {

/// /proc/pid/stat: the 52 space-separated fields of proc(5). ENOMEM.
ostd::Result<ostd::String> pid_stat(Process& p);
/// /proc/pid/status: "Key:\tvalue" lines. ENOMEM.
ostd::Result<ostd::String> pid_status(Process& p);
/// /proc/pid/statm: size resident shared text lib data dt, in pages. ENOMEM.
ostd::Result<ostd::String> pid_statm(Process& p);
/// /proc/pid/cmdline: the argument strings read from the process's memory (empty for zombies),
/// with Linux's setproctitle rule. ENOMEM.
ostd::Result<ostd::String> pid_cmdline(Process& p);
/// /proc/pid/environ: the environment strings read from the process's memory. ENOMEM.
ostd::Result<ostd::String> pid_environ(Process& p);
/// /proc/pid/maps: one line per mapping with rights, offset, device, inode and name. ENOMEM.
ostd::Result<ostd::String> pid_maps(Process& p);
/// /proc/pid/comm: the name and a newline. ENOMEM.
ostd::Result<ostd::String> pid_comm(Process& p);

}  // namespace kernel::fs::procfs
