// NodeTable: the FUSE node ids the host's kernel holds for files (an inode as seen through one
// mount), with the lookup counts that FUSE "forget" drops. An id names one file until its count
// reaches zero; every name of a file (hard links) gets the same id while it is known, and the id
// remembers the Path it was last reached by, for resolving names. The root (id 1) is permanent.
#pragma once

#include <cstdint>

#include <kernel/fs/mount.h>
#include <ostd/ktl/vector.h>
#include <ostd/sync/mutex.h>

namespace kernel::fs::exporter {

inline constexpr uint64_t kRootNode = 1;

class NodeTable {
public:
    NodeTable() = default;
    NodeTable(const NodeTable&) = delete;
    NodeTable& operator=(const NodeTable&) = delete;

    /// Forgets everything and makes `root` node kRootNode. ENOMEM.
    ostd::Result<void> reset(Path root);
    /// The id of `p`'s file with its lookup count raised by one (a new id with count 1 if the
    /// file was not known); the id's Path becomes `p`. The root's count is not tracked. ENOMEM.
    ostd::Result<uint64_t> ref(const Path& p);
    /// The Path an id names. ESTALE for ids never handed out or already forgotten.
    ostd::Result<Path> get(uint64_t id) const;
    /// Drops `n` lookups of `id`; the id is gone when none remain. Unknown ids and the root
    /// are ignored (FUSE sends forgets after failed requests too).
    void forget(uint64_t id, uint64_t n);
    /// Ids currently known, root included.
    size_t size() const;
    /// Lookup count of `id` (0 if unknown); for tests.
    uint64_t lookups(uint64_t id) const;
    /// Drops every entry, root included (teardown).
    void clear();

private:
    struct Slot {
        ostd::RefPtr<Mount> mnt;  // null: free
        ostd::RefPtr<Dentry> dentry;
        uint64_t lookups = 0;
        uint32_t generation = 0;
        uint32_t next_free = 0;  // index + 1 of the next free slot, 0 = none
    };
    static uint64_t hash_of(const Mount* m, const Inode* i);
    static uint64_t id_of(uint32_t index, uint32_t gen) {
        return (uint64_t{gen} << 32) | (uint64_t{index} + 1);
    }
    const Slot* slot_for(uint64_t id) const ORRERY_REQUIRES(lock_);
    /// Index + 1 of the slot for (mount, inode), or 0.
    uint32_t find_locked(const Mount* m, const Inode* i) const ORRERY_REQUIRES(lock_);
    ostd::Result<void> hash_insert_locked(uint32_t index) ORRERY_REQUIRES(lock_);
    void hash_erase_locked(uint32_t index) ORRERY_REQUIRES(lock_);
    ostd::Result<void> rehash_locked(size_t buckets) ORRERY_REQUIRES(lock_);

    mutable ostd::Mutex lock_;
    ostd::Vector<Slot> slots_ ORRERY_GUARDED_BY(lock_);
    // Open addressing: index + 1 of a slot, 0 = empty, kTombstone = deleted.
    ostd::Vector<uint32_t> buckets_ ORRERY_GUARDED_BY(lock_);
    size_t used_buckets_ ORRERY_GUARDED_BY(lock_) = 0;  // live + tombstones
    size_t live_ ORRERY_GUARDED_BY(lock_) = 0;
    uint32_t free_head_ ORRERY_GUARDED_BY(lock_) = 0;  // index + 1
};

}  // namespace kernel::fs::exporter
