// Mounts: a superblock's subtree grafted onto a dentry of another mount, the mount namespace
// that lists them, and Path (mount + dentry), the VFS's name for a location. Guarded by
// tree_lock() like the dentry trees.
#pragma once

#include <cstdint>

#include <kernel/fs/dentry.h>
#include <kernel/fs/superblock.h>
#include <ostd/common/ref.h>
#include <ostd/ktl/vector.h>

namespace kernel::fs {

class Mount;
class MountNamespace;

/// A location in the namespace.
struct Path {
    ostd::Ref<Mount> mnt;
    ostd::Ref<Dentry> dentry;
    Inode& inode() const { return dentry->inode(); }
    bool operator==(const Path& o) const {
        return mnt.ptr() == o.mnt.ptr() && dentry.ptr() == o.dentry.ptr();
    }
};

namespace mount_flags {
inline constexpr uint32_t kReadOnly = 1;  // MS_RDONLY
inline constexpr uint32_t kNoSuid = 2;    // MS_NOSUID
inline constexpr uint32_t kNoDev = 4;     // MS_NODEV
inline constexpr uint32_t kNoExec = 8;    // MS_NOEXEC
inline constexpr uint32_t kBind = 4096;   // MS_BIND
inline constexpr uint32_t kRec = 16384;   // MS_REC
inline constexpr uint32_t kDetach = 2;    // umount2 MNT_DETACH
}  // namespace mount_flags

class Mount : public ostd::RefCounted<Mount> {
public:
    SuperBlock& super_block() const { return *sb_; }
    /// The root of the mounted subtree (a subdirectory for bind mounts).
    const ostd::Ref<Dentry>& root() const { return root_; }
    uint32_t flags() const { return flags_; }
    bool is_read_only() const { return (flags_ & mount_flags::kReadOnly) != 0; }
    int id() const { return id_; }
    // ---- Require tree_lock() ----
    /// The mount this one is attached to, or nullptr for a namespace root or detached mount.
    Mount* parent() const { return parent_.ptr(); }
    /// The dentry in parent() this mount covers.
    Dentry* mountpoint() const { return mountpoint_.ptr(); }
    MountNamespace* mount_namespace() const { return ns_; }

private:
    friend class MountNamespace;
    Mount(ostd::Ref<SuperBlock> sb, ostd::Ref<Dentry> root, uint32_t flags, int id)
        : sb_(std::move(sb)), root_(std::move(root)), flags_(flags), id_(id) {}
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);

    ostd::Ref<SuperBlock> sb_;
    ostd::Ref<Dentry> root_;
    uint32_t flags_;
    int id_;
    ostd::RefPtr<Mount> parent_;
    ostd::RefPtr<Dentry> mountpoint_;
    MountNamespace* ns_ = nullptr;  // owner: the namespace lists this mount; cleared when detached
};

class MountNamespace : public ostd::RefCounted<MountNamespace> {
public:
    /// A namespace whose root mount shows `root_sb`. ENOMEM.
    static ostd::Result<ostd::Ref<MountNamespace>> create(ostd::Ref<SuperBlock> root_sb);
    ~MountNamespace();

    Path root() const;

    /// Mounts `sb`'s subtree at `root` (sb->root() unless binding) on `where`. Takes
    /// tree_lock(). ENOTDIR when `where` or `root` is not a directory, ENOMEM, ENOENT when
    /// `where` was removed.
    ostd::Result<ostd::Ref<Mount>> attach(ostd::Ref<SuperBlock> sb, ostd::Ref<Dentry> root,
                                          const Path& where, uint32_t flags);
    /// Unmounts the mount at `target` (which must be a mount root): EINVAL if it is not one or
    /// is the namespace root, EBUSY if other mounts sit on it, or (without MNT_DETACH) if
    /// `busy` says it is in use. Takes tree_lock().
    ostd::Result<void> detach(const Path& target, uint32_t flags);

    // ---- Require tree_lock() ----
    /// The topmost mount on (parent, dentry), or nullptr.
    Mount* mounted_on(const Mount& parent, const Dentry& dentry) const;
    const ostd::Vector<ostd::Ref<Mount>>& mounts() const { return mounts_; }

private:
    MountNamespace() = default;
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    ostd::Vector<ostd::Ref<Mount>> mounts_;  // mounts_[0] is the root; attach order
};

/// Follows mounts stacked on `p` down to the topmost. Requires tree_lock().
Path follow_mounts(Path p);

}  // namespace kernel::fs
