// fs_boot: process hooks and init's namespace.
#include <kernel/fs/fs_boot.h>
#include <kernel/fs/process_files.h>
#include <kernel/fs/procfs/process_provider.h>
#include <kernel/process/process_table.h>
#include <ostd/common/log.h>

namespace kernel::fs {

namespace {

ostd::Result<void> on_fork(Process& parent, Process& child, uint64_t clone_flags) {
    return fork_files(parent, child, clone_flags);
}

void on_process_exit(Process& p) {
    release_files(p);
}

const ProcessHooks kFsHooks{&on_fork, nullptr, &on_process_exit, nullptr};

}  // namespace

ostd::Result<void> fs_boot(Process& init, const ostd::BootInfo& boot) {
    ProcessTable::add_hooks(&kFsHooks);
    procfs::install_process_provider();
    InitramfsPolicy policy = initramfs_policy_from_cmdline(boot.command_line);
    auto ns = make_boot_namespace(boot.initramfs, policy);
    if (ns.is_error()) {
        ORRERY_LOG_ERROR("fs: cannot build the root file system: errno %d", ns.error().code());
        return ns.release_error();
    }
    return install_files(init, ns.release_value());
}

}  // namespace kernel::fs
