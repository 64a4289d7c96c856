// Block devices: a BlockDevice is a fixed-size array of bytes read and written at offsets (what
// on-disk file systems will mount); a RamDisk keeps its sectors in page frames (Linux's brd,
// /dev/ram0). Opening a block-device node gives a File with read/write/lseek and the BLK*
// ioctls; the node's inode supplies the device (Inode::block_device).
#pragma once

#include <cstdint>
#include <optional>

#include <kernel/fs/file.h>
#include <ostd/ktl/vector.h>
#include <ostd/mm/frame.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs {

class BlockDevice : public ostd::RefCounted<BlockDevice> {
public:
    virtual ~BlockDevice() = default;
    /// Capacity in bytes (a multiple of sector_size()).
    virtual uint64_t size() const = 0;
    virtual uint32_t sector_size() const { return 512; }
    /// Reads from `offset` into `out`; short at the end of the device (0 past it). EFAULT.
    virtual ostd::Result<size_t> read_at(uint64_t offset, ostd::VmWriter& out) = 0;
    /// Writes at `offset`, stopping at the end of the device; ENOSPC when nothing fits. EFAULT,
    /// ENOMEM.
    virtual ostd::Result<size_t> write_at(uint64_t offset, ostd::VmReader& in) = 0;
};

/// A RAM-backed block device: pages are allocated on first write and read as zeros before.
/// Locking: lock_ (a Mutex; copies to and from user memory happen under it).
class RamDisk final : public BlockDevice {
public:
    /// A disk of `bytes` (rounded up to a page). ENOMEM.
    static ostd::Result<ostd::Ref<RamDisk>> create(uint64_t bytes);
    uint64_t size() const override { return size_; }
    ostd::Result<size_t> read_at(uint64_t offset, ostd::VmWriter& out) override;
    ostd::Result<size_t> write_at(uint64_t offset, ostd::VmReader& in) override;

private:
    template <typename T, typename... A>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(A&&...);
    explicit RamDisk(uint64_t size) : size_(size) {}

    const uint64_t size_;
    ostd::Mutex lock_;
    ostd::Vector<std::optional<ostd::Frame>> pages_ ORRERY_GUARDED_BY(lock_);
};

/// The File of an opened block-device node. ENOMEM.
ostd::Result<ostd::Ref<File>> open_block_file(const Path& path, uint32_t flags,
                                              ostd::Ref<BlockDevice> dev);

/// ioctl numbers the block-device File answers (linux/fs.h).
inline constexpr uint32_t kBlkRoGet = 0x125e, kBlkGetSize = 0x1260, kBlkSszGet = 0x1268,
                          kBlkPbszGet = 0x127b, kBlkGetSize64 = 0x80081272;

}  // namespace kernel::fs
