// Dentry: a name in the directory tree binding to an inode. In-memory file systems keep their
// whole namespace here (like Linux ramfs, the dcache is authoritative): a directory's entries are
// its dentry's children. All tree fields are guarded by tree_lock().
#pragma once

#include <string_view>

#include <kernel/fs/inode.h>
#include <ostd/common/ref.h>
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>

namespace kernel::fs {

class Dentry : public ostd::RefCounted<Dentry> {
public:
    /// A dentry named `name` for `inode` under `parent` (null for a file-system root). It is not
    /// yet in parent's children: call add_child(). ENOMEM.
    static ostd::Result<ostd::Ref<Dentry>> create(std::string_view name,
                                                  ostd::RefPtr<Dentry> parent,
                                                  ostd::Ref<Inode> inode);

    Inode& inode() const { return *inode_; }
    ostd::Ref<Inode> inode_ref() const { return inode_; }

    // ---- The following require tree_lock() ----
    std::string_view name() const { return name_.view(); }
    /// The parent, or nullptr for a root. A removed dentry keeps its last parent for "..".
    Dentry* parent() const { return parent_.ptr(); }
    bool is_root() const { return parent_.is_null(); }
    /// True once unlinked or rmdir'ed (its name is gone from the tree).
    bool is_dead() const { return dead_; }
    ostd::RefPtr<Dentry> find_child(std::string_view name) const;
    /// Precondition: no child with that name. ENOMEM.
    ostd::Result<void> add_child(ostd::Ref<Dentry> child);
    /// Makes room for `extra` more children so a later add cannot fail. ENOMEM.
    ostd::Result<void> reserve_children(size_t extra) {
        return children_.reserve(children_.size() + extra);
    }
    /// Removes `child` and marks it dead.
    void remove_child(Dentry& child);
    const ostd::Vector<ostd::Ref<Dentry>>& children() const { return children_; }
    /// Moves this dentry to `new_parent` under `new_name` (a string the caller allocated).
    /// Precondition: no child of new_parent has that name. ENOMEM (nothing changed).
    ostd::Result<void> move_to(Dentry& new_parent, ostd::String new_name);
    /// Drops all children recursively (superblock teardown).
    void detach_subtree();
    /// Whether `ancestor` is this dentry or one of its ancestors.
    bool is_descendant_of(const Dentry& ancestor) const;

    uint32_t mount_count() const { return mounts_; }
    void add_mount() { ++mounts_; }
    void remove_mount() { --mounts_; }

private:
    Dentry(ostd::String name, ostd::RefPtr<Dentry> parent, ostd::Ref<Inode> inode)
        : name_(std::move(name)), parent_(std::move(parent)), inode_(std::move(inode)) {}
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);

    ostd::String name_;
    ostd::RefPtr<Dentry> parent_;  // a child keeps its parent alive; parents own children below
    ostd::Ref<Inode> inode_;
    ostd::Vector<ostd::Ref<Dentry>> children_;
    uint32_t mounts_ = 0;  // mounts whose mountpoint is this dentry
    bool dead_ = false;
};

}  // namespace kernel::fs
