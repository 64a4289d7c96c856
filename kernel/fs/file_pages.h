// Pages of a file for private file mappings (mmap(MAP_PRIVATE) of a file, and read-only shared
// ones): a PageSource that reads through the open file.
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

private:
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    explicit FilePageSource(ostd::Ref<File> file) : file_(std::move(file)) {}
    ostd::Ref<File> file_;
};

}  // namespace kernel::fs
