// TmpfsInode: one tmpfs object. Regular files keep their data in page frames (the page cache:
// MAP_SHARED mappings map these very frames; none for holes); symlinks keep their text; every
// inode may carry user.* xattrs.
// Locking: data_lock_ (a Mutex: reads copy to user memory while holding it) guards pages and
// xattrs; metadata is the base class's. data_lock_ -> AddressSpace locks (truncate unmaps).
#pragma once

#include <optional>

#include <kernel/fs/inode.h>
#include <ostd/mm/frame.h>
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs::tmpfs {

/// A 4 KiB data page (a counted frame, shared with the mappings that map it), or a hole.
class Page {
public:
    bool present() const { return frame_.has_value(); }
    const ostd::Frame& frame() const { return *frame_; }
    /// Allocates a zeroed frame. ENOMEM.
    ostd::Result<void> allocate();

private:
    std::optional<ostd::Frame> frame_;
};

struct Xattr {
    ostd::String name;
    ostd::Vector<std::byte> value;
};

class TmpfsInode final : public Inode {
public:
    /// Creates an inode of `sb` (whose space accounting it uses). ENOMEM.
    static ostd::Result<ostd::Ref<Inode>> create(SuperBlock& sb, const NewInode& spec,
                                                 std::string_view link_target = {});
    ~TmpfsInode() override;

    ostd::Result<size_t> read_at(uint64_t offset, ostd::VmWriter& out) override;
    ostd::Result<size_t> write_at(uint64_t offset, ostd::VmReader& in) override;
    ostd::Result<void> truncate(uint64_t size) override;
    ostd::Result<void> allocate(int mode, uint64_t offset, uint64_t len) override;
    ostd::Result<ostd::Ref<Inode>> create_child(const NewInode& spec) override;
    ostd::Result<ostd::String> read_link() const override;
    ostd::Result<size_t> get_xattr(std::string_view name, ostd::VmWriter* out) const override;
    ostd::Result<void> set_xattr(std::string_view name, std::span<const std::byte> value,
                                 int flags) override;
    ostd::Result<size_t> list_xattr(ostd::VmWriter* out) const override;
    ostd::Result<void> remove_xattr(std::string_view name) override;
    bool has_page_cache() const override { return type() == FileType::kRegular; }
    ostd::Result<ostd::Frame> shared_page(uint64_t index) override;

    /// Used for symlink creation by the VFS: sets the link text. ENOMEM.
    ostd::Result<void> set_link(std::string_view target);

private:
    TmpfsInode(SuperBlock& sb, const NewInode& spec) : Inode(&sb, spec) {}
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);

    ostd::Result<void> truncate_locked(uint64_t size) ORRERY_REQUIRES(data_lock_);
    ostd::Result<void> ensure_page_locked(size_t index) ORRERY_REQUIRES(data_lock_);
    void publish_size_locked() ORRERY_REQUIRES(data_lock_);

    mutable ostd::Mutex data_lock_;
    ostd::Vector<Page> pages_ ORRERY_GUARDED_BY(data_lock_);
    uint64_t size_ ORRERY_GUARDED_BY(data_lock_) = 0;
    uint64_t allocated_pages_ ORRERY_GUARDED_BY(data_lock_) = 0;
    bool shared_mapped_ ORRERY_GUARDED_BY(data_lock_) = false;  // truncate must unmap pages
    ostd::String link_;  // symlinks only; immutable after creation
    ostd::Vector<Xattr> xattrs_ ORRERY_GUARDED_BY(data_lock_);
};

}  // namespace kernel::fs::tmpfs
