// Pages of a file for file mappings: private copies read through the open file, or for
// MAP_SHARED the inode's own page-cache frames.
#pragma once

#include <kernel/fs/file.h>
#include <kernel/vm/vma.h>

namespace kernel::fs {

class FilePageSource final : public PageSource {
public:
    /// ENOMEM.
    static ostd::Result<ostd::Ref<PageSource>> create(ostd::Ref<File> file);
    ostd::Result<void> read_page(uint64_t offset, const ostd::Frame& frame) override;
    /// The file's st_dev, st_ino and path from its mount namespace's root. ENOMEM.
    ostd::Result<Identity> identity() override;
    /// The inode's page-cache frame (Inode::shared_page).
    ostd::Result<ostd::Frame> shared_page(uint64_t offset) override;
    uint64_t file_size() override;
    const void* file_key() const override { return file_->inode(); }

private:
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    explicit FilePageSource(ostd::Ref<File> file) : file_(std::move(file)) {}
    ostd::Ref<File> file_;
};

/// After `inode` shrank to `size`: unmaps its MAP_SHARED pages past the new end in every
/// process's address space (the fault path then refuses them: SIGBUS). Call without the
/// inode's data lock; takes the process table lock and the address-space locks.
void unmap_shared_pages_past(const Inode& inode, uint64_t size);

}  // namespace kernel::fs
