// The ProcessProvider backed by the process table: /proc/self, /proc/<pid>/{stat,status,
// cmdline,environ,maps,mounts,exe,cwd,root,fd/}. cmdline, environ and maps are empty and exe is
// missing until the process core records argv/env ranges, mappings and the executable path.
#pragma once

namespace kernel::fs::procfs {

/// Installs the table-backed provider (idempotent). Called by fs_boot.
void install_process_provider();

}  // namespace kernel::fs::procfs
