// Process credentials (the uid/gid family) and the Linux rules for changing them.
// Privilege is modelled as "effective uid 0" (CAP_SETUID/CAP_SETGID); there are no capability
// sets yet. Semantics follow man 2 setuid, setreuid, setresuid, setfsuid, setgroups.
#pragma once

#include <cstdint>
#include <span>

#include <ostd/common/result.h>

namespace kernel {

using Uid = uint32_t;
using Gid = uint32_t;

/// Supplementary groups: Linux's NGROUPS_MAX is 65536; we keep a smaller fixed array and
/// report EINVAL above it, like a kernel built with a lower limit would.
inline constexpr unsigned kMaxGroups = 64;
/// "Leave unchanged" in setre*/setres* calls: (uid_t)-1.
inline constexpr Uid kUnchanged = 0xffffffffu;

struct IdSet {
    uint32_t real = 0, effective = 0, saved = 0, fs = 0;
    bool operator==(const IdSet&) const = default;
};

class Credentials {
public:
    Credentials() = default;
    static Credentials root() { return {}; }
    static Credentials user(Uid uid, Gid gid);

    const IdSet& uids() const { return uid_; }
    const IdSet& gids() const { return gid_; }
    std::span<const Gid> groups() const { return {groups_, ngroups_}; }
    /// True when the caller may change ids freely (effective uid 0).
    bool is_privileged() const { return uid_.effective == 0; }
    /// True if gid is the effective/fs gid or a supplementary group (for permission checks).
    bool in_group(Gid gid) const;

    // Each setter returns EPERM when an unprivileged caller asks for an id it may not take, and
    // EINVAL for ids that cannot be represented. On error nothing changes.
    ostd::Result<void> set_uid(Uid uid);
    ostd::Result<void> set_reuid(Uid ruid, Uid euid);
    ostd::Result<void> set_resuid(Uid ruid, Uid euid, Uid suid);
    /// Returns the previous fsuid; changes it only when permitted (never fails, per Linux).
    Uid set_fsuid(Uid fsuid);
    ostd::Result<void> set_gid(Gid gid);
    ostd::Result<void> set_regid(Gid rgid, Gid egid);
    ostd::Result<void> set_resgid(Gid rgid, Gid egid, Gid sgid);
    Gid set_fsgid(Gid fsgid);
    /// EPERM unless privileged; EINVAL if more than kMaxGroups.
    ostd::Result<void> set_groups(std::span<const Gid> groups);

private:
    IdSet uid_;
    IdSet gid_;
    Gid groups_[kMaxGroups] = {};
    uint32_t ngroups_ = 0;
};

}  // namespace kernel
