// FsContext: a process's root directory, working directory and umask (fs_struct). Copied at
// fork, shared with CLONE_FS through Ref<FsContext>. Holds the mount namespace too, so mount(2)
// knows where to attach. Locking: a SpinLock around the Paths (copying a Path only counts refs).
#pragma once

#include <kernel/fs/mount.h>
#include <ostd/common/ref.h>
#include <ostd/sync/spinlock.h>

namespace kernel::fs {

class FsContext : public ostd::RefCounted<FsContext> {
public:
    /// root = cwd = the namespace root, umask 022. ENOMEM.
    static ostd::Result<ostd::Ref<FsContext>> create(ostd::Ref<MountNamespace> ns);
    /// fork() without CLONE_FS. ENOMEM.
    ostd::Result<ostd::Ref<FsContext>> clone() const;

    Path root() const;
    Path cwd() const;
    void set_root(Path p);
    void set_cwd(Path p);
    uint32_t umask() const;
    /// Returns the previous mask.
    uint32_t set_umask(uint32_t mask);
    MountNamespace& mount_namespace() const { return *ns_; }

private:
    FsContext(ostd::Ref<MountNamespace> ns, Path root, Path cwd, uint32_t umask)
        : ns_(std::move(ns)), root_(std::move(root)), cwd_(std::move(cwd)), umask_(umask) {}
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);

    ostd::Ref<MountNamespace> ns_;
    mutable ostd::SpinLock lock_;
    Path root_ ORRERY_GUARDED_BY(lock_);
    Path cwd_ ORRERY_GUARDED_BY(lock_);
    uint32_t umask_ ORRERY_GUARDED_BY(lock_);
};

}  // namespace kernel::fs
