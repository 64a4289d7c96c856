// Mount namespaces: attaching and detaching mounts, finding the mount on a dentry.
#include <kernel/fs/mount.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::RefPtr;
using ostd::Result;

namespace {
std::atomic<int> g_next_mount_id{1};
}

Result<Ref<MountNamespace>> MountNamespace::create(Ref<SuperBlock> root_sb) {
    Ref<MountNamespace> ns = TRY(ostd::try_make_ref<MountNamespace>());
    Ref<Dentry> root = root_sb->root();
    Ref<Mount> m = TRY(ostd::try_make_ref<Mount>(std::move(root_sb), std::move(root), 0u,
                                                 g_next_mount_id.fetch_add(1)));
    m->ns_ = ns.ptr();
    TRY(ns->mounts_.push_back(std::move(m)));
    return ns;
}

MountNamespace::~MountNamespace() {
    ostd::Vector<Ref<Mount>> gone = std::move(mounts_);
    {
        ostd::MutexGuard g(tree_lock());
        for (Ref<Mount>& m : gone) {
            if (m->mountpoint_) m->mountpoint_->remove_mount();
            m->ns_ = nullptr;
            m->parent_.clear();
            m->mountpoint_.clear();
        }
    }
}

Path MountNamespace::root() const {
    const Ref<Mount>& m = mounts_[0];
    return Path{m, m->root()};
}

Result<Ref<Mount>> MountNamespace::attach(Ref<SuperBlock> sb, Ref<Dentry> root, const Path& where,
                                          uint32_t flags) {
    if (!root->inode().is_dir() || !where.inode().is_dir())
        return Error(ENOTDIR, "mount needs directories");
    Ref<Mount> m = TRY(ostd::try_make_ref<Mount>(std::move(sb), std::move(root),
                                                 flags & ~(mount_flags::kBind | mount_flags::kRec),
                                                 g_next_mount_id.fetch_add(1)));
    ostd::MutexGuard g(tree_lock());
    if (where.dentry->is_dead()) return Error(ENOENT, "mountpoint was removed");
    if (where.mnt->ns_ != this) return Error(EINVAL, "mountpoint in another namespace");
    TRY(mounts_.push_back(m));
    m->ns_ = this;
    m->parent_ = where.mnt;
    m->mountpoint_ = where.dentry;
    where.dentry->add_mount();
    return m;
}

Result<void> MountNamespace::detach(const Path& target, uint32_t flags) {
    ostd::MutexGuard g(tree_lock());
    Mount& m = *target.mnt;
    if (target.dentry.ptr() != m.root().ptr()) return Error(EINVAL, "not a mount root");
    if (m.ns_ != this) return Error(EINVAL, "mount not in this namespace");
    if (&m == mounts_[0].ptr()) return Error(EBUSY, "cannot unmount the namespace root");
    for (const Ref<Mount>& o : mounts_)
        if (o->parent_.ptr() == &m) return Error(EBUSY, "mounts sit on this mount");
    // References: mounts_ entry, `target`, plus any open file, cwd or bind user.
    if (!(flags & mount_flags::kDetach) && m.ref_count() > 2) return Error(EBUSY, "mount in use");
    for (size_t i = 0; i < mounts_.size(); ++i) {
        if (mounts_[i].ptr() == &m) {
            m.mountpoint_->remove_mount();
            m.ns_ = nullptr;
            m.parent_.clear();
            m.mountpoint_.clear();
            mounts_.erase(i);
            break;
        }
    }
    return ostd::ok();
}

Mount* MountNamespace::mounted_on(const Mount& parent, const Dentry& dentry) const {
    if (dentry.mount_count() == 0) return nullptr;
    for (size_t i = mounts_.size(); i-- > 0;) {
        const Ref<Mount>& m = mounts_[i];
        if (m->parent_.ptr() == &parent && m->mountpoint_.ptr() == &dentry) return m.ptr();
    }
    return nullptr;
}

Path follow_mounts(Path p) {
    for (;;) {
        MountNamespace* ns = p.mnt->mount_namespace();
        Mount* child = ns ? ns->mounted_on(*p.mnt, *p.dentry) : nullptr;
        if (!child) return p;
        p = Path{Ref<Mount>(*child), child->root()};
    }
}

}  // namespace kernel::fs
