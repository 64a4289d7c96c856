// Reading file pages for private mappings: pread into the (zeroed) frame until EOF or full.
#include <kernel/fs/file_pages.h>

#include <kernel/fs/namei.h>
#include <kernel/process/process_table.h>

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
    Inode* inode = file_->inode();
    if (!inode) return ostd::Error(ENODEV);
    return inode->shared_page(offset / ostd::kPageSize);
}

uint64_t FilePageSource::file_size() {
    Inode* inode = file_->inode();
    return inode ? inode->size() : 0;
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

void unmap_shared_pages_past(const Inode& inode, uint64_t size) {
    // The fault path checks the size under the address-space lock before mapping a shared
    // page, and the size shrank before this runs: no page past it can appear afterwards.
    auto all = ProcessTable::all_processes();
    if (all.is_error()) return;  // ENOMEM: stale pages stay mapped until unmapped (as before)
    for (auto& p : all.value())
        if (p->state() == Process::State::kAlive)
            p->address_space().unmap_file_pages(&inode, size);
}

}  // namespace kernel::fs
