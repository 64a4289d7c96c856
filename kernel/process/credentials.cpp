// The uid/gid transition rules of man 2 setuid/setreuid/setresuid/setfsuid and the gid twins.
#include <kernel/process/credentials.h>

namespace kernel {
namespace {

bool is_one_of(uint32_t id, const IdSet& s) {
    return id == s.real || id == s.effective || id == s.saved;
}

// setuid(2): privileged sets all three (and fs); otherwise only the effective id, to the real or
// saved id.
ostd::Result<void> set_id(IdSet& s, uint32_t id, bool privileged) {
    if (id == kUnchanged) return ostd::Error(EINVAL);
    if (privileged) {
        s.real = s.effective = s.saved = s.fs = id;
        return ostd::ok();
    }
    if (id != s.real && id != s.saved) return ostd::Error(EPERM);
    s.effective = s.fs = id;
    return ostd::ok();
}

// setreuid(2): unprivileged may set real to real/effective and effective to real/effective/
// saved. Saved follows the new effective id if real was set or effective changed away from the
// old real id.
ostd::Result<void> set_reid(IdSet& s, uint32_t r, uint32_t e, bool privileged) {
    IdSet n = s;
    if (r != kUnchanged) {
        if (!privileged && r != s.real && r != s.effective) return ostd::Error(EPERM);
        n.real = r;
    }
    if (e != kUnchanged) {
        if (!privileged && !is_one_of(e, s)) return ostd::Error(EPERM);
        n.effective = e;
    }
    if (r != kUnchanged || (e != kUnchanged && e != s.real)) n.saved = n.effective;
    n.fs = n.effective;
    s = n;
    return ostd::ok();
}

// setresuid(2): unprivileged may set each to any of the current real/effective/saved ids.
ostd::Result<void> set_resid(IdSet& s, uint32_t r, uint32_t e, uint32_t sv, bool privileged) {
    if (!privileged) {
        for (uint32_t id : {r, e, sv})
            if (id != kUnchanged && !is_one_of(id, s)) return ostd::Error(EPERM);
    }
    if (r != kUnchanged) s.real = r;
    if (e != kUnchanged) s.effective = e;
    if (sv != kUnchanged) s.saved = sv;
    s.fs = s.effective;
    return ostd::ok();
}

uint32_t set_fsid(IdSet& s, uint32_t id, bool privileged) {
    uint32_t old = s.fs;
    if (id == kUnchanged) return old;
    if (privileged || is_one_of(id, s) || id == s.fs) s.fs = id;
    return old;
}

}  // namespace

Credentials Credentials::user(Uid uid, Gid gid) {
    Credentials c;
    c.uid_ = {uid, uid, uid, uid};
    c.gid_ = {gid, gid, gid, gid};
    return c;
}

bool Credentials::in_group(Gid gid) const {
    if (gid == gid_.fs) return true;
    for (uint32_t i = 0; i < ngroups_; ++i)
        if (groups_[i] == gid) return true;
    return false;
}

ostd::Result<void> Credentials::set_uid(Uid uid) { return set_id(uid_, uid, is_privileged()); }
ostd::Result<void> Credentials::set_reuid(Uid r, Uid e) {
    return set_reid(uid_, r, e, is_privileged());
}
ostd::Result<void> Credentials::set_resuid(Uid r, Uid e, Uid s) {
    return set_resid(uid_, r, e, s, is_privileged());
}
Uid Credentials::set_fsuid(Uid fsuid) { return set_fsid(uid_, fsuid, is_privileged()); }

// The gid calls are privileged with CAP_SETGID, which we model as effective uid 0 as well.
ostd::Result<void> Credentials::set_gid(Gid gid) { return set_id(gid_, gid, is_privileged()); }
ostd::Result<void> Credentials::set_regid(Gid r, Gid e) {
    return set_reid(gid_, r, e, is_privileged());
}
ostd::Result<void> Credentials::set_resgid(Gid r, Gid e, Gid s) {
    return set_resid(gid_, r, e, s, is_privileged());
}
Gid Credentials::set_fsgid(Gid fsgid) { return set_fsid(gid_, fsgid, is_privileged()); }

ostd::Result<void> Credentials::set_groups(std::span<const Gid> groups) {
    if (!is_privileged()) return ostd::Error(EPERM);
    if (groups.size() > kMaxGroups) return ostd::Error(EINVAL);
    ngroups_ = static_cast<uint32_t>(groups.size());
    for (uint32_t i = 0; i < ngroups_; ++i) groups_[i] = groups[i];
    return ostd::ok();
}

}  // namespace kernel
