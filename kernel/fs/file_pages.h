// Pages of a file for file mappings: private ones read copies through the open file; shared
// ones map the file system's own frames where it keeps its data in frames (tmpfs).
#pragma once

#include <kernel/fs/file.h>
#include <kernel/vm/vma.h>

namespace kernel::fs {

class FilePageSource final : public PageSource {
public:
    /// ENOMEM.
    static ostd::Result<ostd::Ref<PageSource>> create(ostd::Ref<File> file);
    ostd::Result<void> read_page(uint64_t offset, const ostd::Frame& frame) override;
    ostd::Result<ostd::Frame> shared_page(uint64_t offset) override;
    /// The file's st_dev, st_ino and path from its mount namespace's root. ENOMEM.
    ostd::Result<Identity> identity() override;

private:
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    explicit FilePageSource(ostd::Ref<File> file) : file_(std::move(file)) {}
    ostd::Ref<File> file_;
};

}  // namespace kernel::fs
