// procfs: the "proc" file system. System-wide files are generated at open (meminfo, cpuinfo,
// uptime, filesystems, mounts, sys/kernel/*); per-process entries (/proc/self, /proc/[pid]/...)
// come from a ProcessProvider that the process core registers.
#pragma once

#include <string_view>

#include <kernel/fs/mount.h>
#include <kernel/fs/superblock.h>
#include <ostd/ktl/string.h>

namespace kernel::fs::procfs {

inline constexpr uint64_t kProcMagic = 0x9fa0;

/// What the process core tells procfs. All methods run in task context without VFS locks held,
/// except pid_exists(), which runs under tree_lock() (it must not take VFS locks).
class ProcessProvider {
public:
    /// The caller's pid (for /proc/self), or -1 outside a process.
    virtual int current_pid() = 0;
    virtual bool pid_exists(int pid) = 0;
    /// The owner /proc/<pid> shows (the process's effective ids); false if there is no such
    /// process. Like pid_exists(), runs under tree_lock().
    virtual bool pid_owner(int pid, uint32_t* uid, uint32_t* gid) = 0;
    /// Calls visit(ctx, pid) for each live process, in increasing pid order.
    virtual void for_each_pid(void (*visit)(void* ctx, int pid), void* ctx) = 0;
    /// Contents of /proc/<pid>/<name> for name in {stat, status, statm, cmdline, environ, maps,
    /// mounts, comm} and "fdinfo/<n>". ENOENT for unknown names or a vanished process; EACCES
    /// for environ of another user's process.
    virtual ostd::Result<ostd::String> read_file(int pid, std::string_view name) = 0;
    /// A write to /proc/<pid>/<name> (comm: sets the name; EINVAL from another process).
    virtual ostd::Result<void> write_file(int pid, std::string_view name,
                                          std::string_view data) = 0;
    /// Target of /proc/<pid>/<name> for name in {exe, cwd, root} and of "fd/<n>".
    virtual ostd::Result<ostd::String> read_link(int pid, std::string_view name) = 0;
    /// The location behind /proc/<pid>/<name> for name in {exe, cwd, root} and "fd/<n>" (only
    /// for descriptors with a path). Runs under tree_lock(): must not take VFS locks. ENOENT.
    virtual ostd::Result<Path> link_path(int pid, std::string_view name) = 0;
    /// Open descriptors of the process, for listing /proc/<pid>/fd.
    virtual void for_each_fd(int pid, void (*visit)(void* ctx, int fd), void* ctx) = 0;

protected:
    ~ProcessProvider() = default;
};

/// Installs the provider (nullptr removes it: per-process entries then do not exist). The
/// provider must outlive its installation.
void set_process_provider(ProcessProvider* provider);

/// A new proc superblock. ENOMEM.
ostd::Result<ostd::Ref<SuperBlock>> create();

extern const FileSystemType kProcType;

}  // namespace kernel::fs::procfs
