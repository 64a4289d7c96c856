// The ProcessProvider backed by the process table: /proc/self, /proc/<pid>/{stat,status,statm,
// cmdline,environ,maps,mounts,comm,exe,cwd,root,fd/,fdinfo/}.
#pragma once

namespace kernel::fs::procfs {

/// Installs the table-backed provider (idempotent). Called by fs_boot.
void install_process_provider();

}  // namespace kernel::fs::procfs
