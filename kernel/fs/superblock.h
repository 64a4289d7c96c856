// SuperBlock: one mounted instance of a file system (its root dentry, device number, inode
// numbers, space accounting) and the registry of file-system types that mount() looks up.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include <kernel/fs/types.h>
#include <ostd/common/ref.h>
#include <ostd/ktl/vector.h>

namespace kernel::fs {

class Dentry;
class Inode;

class SuperBlock : public ostd::RefCounted<SuperBlock> {
public:
    /// `max_bytes` 0 means unlimited. ENOMEM.
    static ostd::Result<ostd::Ref<SuperBlock>> create(std::string_view type_name, uint64_t magic,
                                                      uint64_t max_bytes = 0);
    /// Breaks the dentry tree's parent/child cycles so the tree is freed.
    ~SuperBlock();

    std::string_view type_name() const { return type_name_; }
    uint64_t magic() const { return magic_; }
    uint64_t dev() const { return dev_; }
    uint64_t next_ino() { return next_ino_.fetch_add(1, std::memory_order_relaxed); }

    /// Precondition for root(): set_root() was called (file systems do it in their mount).
    ostd::Ref<Dentry> root() const;
    void set_root(ostd::Ref<Dentry> root);

    /// Space accounting in bytes: reserve fails with ENOSPC beyond the limit.
    ostd::Result<void> reserve_bytes(uint64_t n);
    void release_bytes(uint64_t n);
    uint64_t used_bytes() const { return used_.load(std::memory_order_relaxed); }
    uint64_t max_bytes() const { return max_; }
    uint64_t inode_count() const { return inodes_.load(std::memory_order_relaxed); }
    void inode_created() { inodes_.fetch_add(1, std::memory_order_relaxed); }
    void inode_destroyed() { inodes_.fetch_sub(1, std::memory_order_relaxed); }

private:
    SuperBlock(std::string_view type_name, uint64_t magic, uint64_t max_bytes);
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    std::string_view type_name_;  // static string of the file-system type
    uint64_t magic_;
    uint64_t dev_;
    uint64_t max_;
    std::atomic<uint64_t> used_{0};
    std::atomic<uint64_t> inodes_{0};
    std::atomic<uint64_t> next_ino_{1};
    ostd::RefPtr<Dentry> root_;  // set once at mount; guarded by tree_lock() for the tree itself
};

/// A file-system type: mount() builds a superblock from the mount data string.
struct FileSystemType {
    const char* name;
    bool requires_device;  // false: listed as "nodev" in /proc/filesystems
    ostd::Result<ostd::Ref<SuperBlock>> (*mount)(std::string_view data);
};

/// Registers a type (idempotent by name). EEXIST for another type with the same name, ENOSPC
/// when the table is full. Any task context.
ostd::Result<void> register_filesystem(const FileSystemType& type);
/// The registered type called `name`; ENODEV if none.
ostd::Result<const FileSystemType*> find_filesystem(std::string_view name);
/// Calls visit(const FileSystemType&) for each registered type, in registration order.
void for_each_filesystem(void (*visit)(const FileSystemType&, void*), void* ctx);
/// Registers tmpfs, ramfs, devtmpfs and proc.
void register_builtin_filesystems();

}  // namespace kernel::fs
