// The initramfs unpacker: walks a cpio newc archive (kernel/fs/initramfs's reader) into the
// caller's root directory: directories, files, symlinks, device nodes, FIFOs, hard links, with
// their owners, modes and mtimes. A malformed archive is rejected with a message naming the byte
// offset; InitramfsPolicy says whether boot goes on with what was unpacked.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <kernel/fs/initramfs/cpio.h>
#include <kernel/fs/vfs.h>

namespace kernel::fs {

enum class InitramfsPolicy : uint8_t {
    kContinue,  // log the error and keep what was unpacked (Linux's behaviour)
    kStop,      // return the error: the caller stops booting
};

/// The policy named on the kernel command line by "initramfs.on_error=stop" (or "=continue",
/// the default).
InitramfsPolicy initramfs_policy_from_cmdline(std::string_view cmdline);

struct UnpackStats {
    uint32_t entries = 0;
    uint32_t hard_links = 0;
    bool archive_error = false;  // set when kContinue swallowed an error
};

/// Unpacks `archive` under c's root. Archive errors: EINVAL with `diag` filled and a log line
/// "initramfs: cpio: <reason> (byte 0x..., entry at 0x...)"; under kContinue they are logged
/// and the result is ok with archive_error set. File-system errors (ENOSPC, ENOMEM, EEXIST on a
/// non-directory replaced by a directory...) are returned under both policies.
ostd::Result<UnpackStats> unpack_initramfs(const vfs::Caller& c, std::span<const std::byte> archive,
                                           InitramfsPolicy policy,
                                           initramfs::Diagnostic* diag = nullptr);

}  // namespace kernel::fs
