// The file-system state of a process: its FdTable and FsContext, kept in Process::files_state.
// The process core calls the hooks below at fork/clone, execve and exit; syscall glue reaches
// the state through files_of(). A process that never got state (no hook ran yet) gets a fresh
// one on first use: a tmpfs root with /dev and /proc mounted and fds 0-2 on /dev/console.
#pragma once

#include <optional>

#include <kernel/fs/initramfs_unpack.h>
#include <kernel/fs/vfs.h>
#include <kernel/process/process.h>

namespace kernel::fs {

class ProcessFiles : public ostd::RefCounted<ProcessFiles> {
public:
    ostd::Ref<FdTable> fds;
    ostd::Ref<FsContext> fs;

    /// The executable the process runs (/proc/pid/exe; Linux's mm->exe_file): set at execve,
    /// inherited by fork, empty for programs that are not files. Takes exe_lock_.
    std::optional<Path> exe() const;
    void set_exe(std::optional<Path> exe);

private:
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    ProcessFiles(ostd::Ref<FdTable> f, ostd::Ref<FsContext> c)
        : fds(std::move(f)), fs(std::move(c)) {}
    mutable ostd::Mutex exe_lock_;
    std::optional<Path> exe_ ORRERY_GUARDED_BY(exe_lock_);
};

/// A fresh namespace: tmpfs root (mode 0755), devtmpfs on /dev, proc on /proc. Unpacks
/// `initramfs` into the root when non-empty (policy as given). ENOMEM, EINVAL (archive).
ostd::Result<ostd::Ref<MountNamespace>> make_boot_namespace(std::span<const std::byte> initramfs,
                                                            InitramfsPolicy policy);

/// Gives `p` a new state rooted in `ns` with fds 0, 1, 2 on /dev/console (when it exists).
/// Replaces any state it had. For init at boot.
ostd::Result<void> install_files(Process& p, ostd::Ref<MountNamespace> ns);
/// The state of `p`, created on first use (see above). ENOMEM.
ostd::Result<ProcessFiles*> files_of(Process& p);
/// The state of `p` if it has one (never creates it, so callable under tree_lock()).
ostd::RefPtr<ProcessFiles> existing_files(Process& p);
/// fork/clone: CLONE_FILES (0x400) shares the fd table, CLONE_FS (0x200) the FsContext;
/// otherwise the child gets copies. ENOMEM.
ostd::Result<void> fork_files(Process& parent, Process& child, uint64_t clone_flags);
/// execve: closes close-on-exec descriptors.
void exec_files(Process& p);
/// execve: resolves `path` (as the exec file reader did, relative to the cwd, following
/// symlinks) for /proc/pid/exe, before the point of no return. ENOENT and walk errors.
ostd::Result<Path> lookup_exe(Process& p, std::string_view path);
/// execve after the point of no return: records the new executable (nullopt: none).
void set_exe(Process& p, std::optional<Path> exe);
/// exit: drops the state (closing the descriptors, which ends pipes and so on).
void release_files(Process& p);

/// The vfs::Caller for `p` with credentials `creds` (kept alive by the caller), honouring
/// RLIMIT_NOFILE and the process umask.
vfs::Caller caller_for(Process& p, ProcessFiles& files, const Credentials& creds);

}  // namespace kernel::fs
