// Inode: one file-system object (type, mode, owners, link count, size, times) plus the virtual
// operations a file system overrides (data I/O, child creation, symlink text, xattrs, open).
// Metadata sits under a per-inode SpinLock; data locking is the file system's business.
#pragma once

#include <cstdint>
#include <string_view>

#include <kernel/abi/stat.h>
#include <kernel/fs/file_lock.h>
#include <kernel/fs/types.h>
#include <kernel/process/credentials.h>
#include <ostd/common/ref.h>
#include <ostd/mm/frame.h>
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>
#include <ostd/mm/vm_io.h>
#include <ostd/sync/spinlock.h>

namespace kernel::fs {

class SuperBlock;
class File;
class Dentry;
class Pipe;
struct Path;

/// A snapshot of an inode's attributes.
struct InodeMeta {
    FileType type = FileType::kRegular;
    uint32_t perm = 0;  // the 07777 bits
    Uid uid = 0;
    Gid gid = 0;
    uint32_t nlink = 0;
    uint64_t size = 0;
    uint64_t blocks = 0;  // 512-byte units
    uint64_t rdev = 0;
    abi::Timespec atime{}, mtime{}, ctime{};
    uint32_t mode() const { return type_bits(type) | perm; }
};

/// What create_child() makes.
struct NewInode {
    FileType type;
    uint32_t perm;
    Uid uid;
    Gid gid;
    uint64_t rdev = 0;
    std::string_view link_target = {};  // symlinks: the link text
};

/// Which timestamps touch() updates.
enum TimeField : uint8_t { kAtime = 1, kMtime = 2, kCtime = 4 };

class Inode : public ostd::RefCounted<Inode> {
public:
    virtual ~Inode();

    uint64_t ino() const { return ino_; }
    FileType type() const { return type_; }
    bool is_dir() const { return type_ == FileType::kDirectory; }
    /// The owning file system, or nullptr for anonymous inodes (pipes). Raw: mounts keep it
    /// alive for as long as any dentry or open file of it exists.
    SuperBlock* super_block() const { return sb_; }
    /// st_dev of this inode.
    uint64_t dev() const;

    InodeMeta meta() const;
    uint64_t size() const;
    void set_perm(uint32_t perm);
    void set_owner(Uid uid, Gid gid);
    void set_times(const abi::Timespec* atime, const abi::Timespec* mtime);
    void touch(uint8_t fields);
    void inc_nlink();
    void dec_nlink();
    void set_nlink(uint32_t n);

    // ---- Data (regular files; defaults fail as Linux does for the type) ----
    /// Reads at `offset` into `out` (up to out.remaining()); 0 at or past EOF.
    virtual ostd::Result<size_t> read_at(uint64_t offset, ostd::VmWriter& out);
    /// Writes `in` at `offset`, growing the file. ENOSPC/EFBIG/EFAULT with partial progress lost.
    virtual ostd::Result<size_t> write_at(uint64_t offset, ostd::VmReader& in);
    /// Sets the size; new bytes read as zero. EINVAL on non-regular inodes.
    virtual ostd::Result<void> truncate(uint64_t size);
    /// Reserves [offset, offset + len) (mode 0 extends size; FALLOC_FL_KEEP_SIZE does not).
    virtual ostd::Result<void> allocate(int mode, uint64_t offset, uint64_t len);
    /// True when the data lives in page frames that MAP_SHARED mappings can map (tmpfs).
    virtual bool has_page_cache() const { return false; }
    /// The frame holding file page `index` for a shared mapping (a hole gets a zeroed page).
    /// ENXIO past the end of the file (the fault becomes SIGBUS); ENODEV without a page cache;
    /// ENOSPC, ENOMEM.
    virtual ostd::Result<ostd::Frame> shared_page(uint64_t index);

    // ---- Directories ----
    /// Makes a new, unlinked inode of this file system (nlink 0) for a directory entry.
    /// EPERM where the file system does not allow creation; ENOSPC/ENOMEM.
    virtual ostd::Result<ostd::Ref<Inode>> create_child(const NewInode& spec);

    /// Directories whose entries are computed (procfs): the inode for `name`, or null when it
    /// does not exist. The VFS makes a transient dentry for it. Called under tree_lock(), so it
    /// must not take that lock. Default: no computed entries.
    virtual ostd::Result<ostd::RefPtr<Inode>> lookup(std::string_view name);
    /// Computed entries for getdents, after the dentry children: calls visit(name, inode) for
    /// each. Called without tree_lock(). Default: none.
    using DirVisit = ostd::Result<void> (*)(void* ctx, std::string_view name, uint64_t ino,
                                            FileType type);
    virtual ostd::Result<void> list_computed(DirVisit visit, void* ctx);

    // ---- Symlinks ----
    /// The link text. EINVAL for non-symlinks. Called with tree_lock() held (a path walk
    /// following the link) or not (readlink).
    virtual ostd::Result<ostd::String> read_link() const;
    /// Magic links (/proc/<pid>/{exe,cwd,root,fd/N}): stores the location the link designates
    /// in *out and returns true; the walk then jumps there instead of resolving the text (as
    /// Linux's nd_jump_link). Called under tree_lock(): must not take VFS locks. Default: false.
    virtual ostd::Result<bool> jump_link(Path* out) const;

    // ---- Open ----
    /// Makes the open file description for `path` (this inode). The default gives a regular
    /// file or directory File; devices and synthetic files override.
    virtual ostd::Result<ostd::Ref<File>> open(const Path& path, uint32_t flags);

    /// POSIX record locks on this inode.
    FileLocks& record_locks() { return locks_; }

    /// FIFOs: the pipe every opener shares, created on first use. ENOMEM.
    ostd::Result<ostd::Ref<Pipe>> fifo_pipe();

    // ---- Extended attributes (EOPNOTSUPP by default) ----
    virtual ostd::Result<size_t> get_xattr(std::string_view name, ostd::VmWriter* out) const;
    /// flags: XATTR_CREATE (1) / XATTR_REPLACE (2).
    virtual ostd::Result<void> set_xattr(std::string_view name, std::span<const std::byte> value,
                                         int flags);
    /// Writes the NUL-separated names into out (or just sizes them when out is null).
    virtual ostd::Result<size_t> list_xattr(ostd::VmWriter* out) const;
    virtual ostd::Result<void> remove_xattr(std::string_view name);

protected:
    /// `sb` may be null (anonymous inode); ino 0 asks the superblock for a fresh number.
    Inode(SuperBlock* sb, const NewInode& spec, uint64_t ino = 0);
    /// Records a new size and block count (file systems call it after data changes).
    void update_size(uint64_t size, uint64_t blocks);

private:
    SuperBlock* sb_;  // not owned, see super_block()
    uint64_t ino_;
    FileType type_;
    mutable ostd::SpinLock meta_lock_;
    InodeMeta meta_ ORRERY_GUARDED_BY(meta_lock_);
    ostd::RefPtr<Pipe> fifo_ ORRERY_GUARDED_BY(meta_lock_);
    FileLocks locks_;
};

}  // namespace kernel::fs
