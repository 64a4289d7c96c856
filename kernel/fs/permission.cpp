// Mode-bit permission checks.
#include <kernel/fs/permission.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;

Result<void> check_access(const Inode& inode, const Credentials& creds, int mask) {
    InodeMeta m = inode.meta();
    Uid fsuid = creds.uids().fs;
    if (fsuid == 0) {
        if (!(mask & kMayExec)) return ostd::ok();
        if (m.type == FileType::kDirectory || (m.perm & 0111)) return ostd::ok();
        return Error(EACCES, "no execute bit set for root");
    }
    uint32_t bits;
    if (fsuid == m.uid)
        bits = (m.perm >> 6) & 7;
    else if (creds.in_group(m.gid))
        bits = (m.perm >> 3) & 7;
    else
        bits = m.perm & 7;
    if ((bits & uint32_t(mask)) != uint32_t(mask)) return Error(EACCES, "mode bits deny access");
    return ostd::ok();
}

bool is_owner_or_root(const Inode& inode, const Credentials& creds) {
    return creds.uids().fs == 0 || creds.uids().fs == inode.meta().uid;
}

Result<void> check_delete(const Inode& dir, const Inode& victim, const Credentials& creds) {
    TRY(check_access(dir, creds, kMayWrite | kMayExec));
    InodeMeta d = dir.meta();
    if (!(d.perm & abi::mode::kIsvtx)) return ostd::ok();
    Uid fsuid = creds.uids().fs;
    if (fsuid == 0 || fsuid == d.uid || fsuid == victim.meta().uid) return ostd::ok();
    return Error(EPERM, "sticky directory: not the owner");
}

}  // namespace kernel::fs
