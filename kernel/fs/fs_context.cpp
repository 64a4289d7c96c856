// FsContext: root, cwd and umask.
#include <kernel/fs/fs_context.h>

namespace kernel::fs {

using ostd::Ref;
using ostd::Result;

Result<Ref<FsContext>> FsContext::create(Ref<MountNamespace> ns) {
    Path root = ns->root();
    Path cwd = root;
    return ostd::try_make_ref<FsContext>(std::move(ns), std::move(root), std::move(cwd), 022u);
}

Result<Ref<FsContext>> FsContext::clone() const {
    return ostd::try_make_ref<FsContext>(ns_, root(), cwd(), umask());
}

Path FsContext::root() const {
    ostd::SpinLockGuard g(lock_);
    return root_;
}

Path FsContext::cwd() const {
    ostd::SpinLockGuard g(lock_);
    return cwd_;
}

void FsContext::set_root(Path p) {
    {
        ostd::SpinLockGuard g(lock_);
        std::swap(root_, p);
    }
    // `p` (the old root) is released here, outside the spinlock: dropping it may free a mount.
}

void FsContext::set_cwd(Path p) {
    {
        ostd::SpinLockGuard g(lock_);
        std::swap(cwd_, p);
    }
}

uint32_t FsContext::umask() const {
    ostd::SpinLockGuard g(lock_);
    return umask_;
}

uint32_t FsContext::set_umask(uint32_t mask) {
    ostd::SpinLockGuard g(lock_);
    uint32_t old = umask_;
    umask_ = mask & 0777;
    return old;
}

}  // namespace kernel::fs
