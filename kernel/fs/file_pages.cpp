// File pages for mappings: pread into a (zeroed) private frame until EOF or full, or the
// inode's own frame for shared mappings.
#include <kernel/fs/file_pages.h>
#include <kernel/fs/inode.h>

#include <kernel/fs/namei.h>

namespace kernel::fs {

ostd::Result<ostd::Ref<PageSource>> FilePageSource::create(ostd::Ref<File> file) {
    auto src = TRY(ostd::try_make_ref<FilePageSource>(std::move(file)));
    return ostd::Ref<PageSource>(std::move(src));
}

ostd::Result<void> FilePageSource::read_page(uint64_t offset, const ostd::Frame& frame) {
    ostd::VmWriter w = frame.writer();
    while (w.remaining() > 0) {
        size_t n = TRY(file_->pread(w, offset + (ostd::kPageSize - w.remaining())));
        if (n == 0) break;  // End of file: the rest of the page stays zero.
    }
    return ostd::ok();
}

ostd::Result<ostd::Frame> FilePageSource::shared_page(uint64_t offset) {
    if (!file_->inode()) return ostd::Error(ENODEV, "no inode behind the mapped file");
    return file_->inode()->shared_page(offset / ostd::kPageSize);
}

ostd::Result<PageSource::Identity> FilePageSource::identity() {
    Identity id;
    if (Inode* inode = file_->inode()) {
        id.dev_major = dev_major(inode->dev());
        id.dev_minor = dev_minor(inode->dev());
        id.ino = inode->ino();
    }
    if (const Path* p = file_->path()) {
        ostd::MutexGuard g(tree_lock());
        MountNamespace* ns = p->mnt->mount_namespace();
        if (ns) id.path = TRY(path_string_locked(ns->root(), *p));
    }
    return id;
}

}  // namespace kernel::fs
