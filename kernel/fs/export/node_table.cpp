// NodeTable: slots addressed by id (index + generation, so a reused slot gets a new id) and an
// open-addressing hash from (mount, inode) identity to slot for the reverse direction.
#include <kernel/fs/export/node_table.h>

#include <functional>

namespace kernel::fs::exporter {
namespace {
constexpr uint32_t kTombstone = UINT32_MAX;
constexpr size_t kMinBuckets = 64;
}  // namespace

uint64_t NodeTable::hash_of(const Mount* m, const Inode* i) {
    uint64_t h = std::hash<const void*>{}(i)*0x9e3779b97f4a7c15ull;
    h ^= std::hash<const void*>{}(m) + (h >> 29);
    return h * 0xbf58476d1ce4e5b9ull;
}

const NodeTable::Slot* NodeTable::slot_for(uint64_t id) const {
    uint64_t index = (id & 0xffffffffu);
    if (index == 0 || index > slots_.size()) return nullptr;
    const Slot& s = slots_[index - 1];
    if (!s.mnt || s.generation != uint32_t(id >> 32)) return nullptr;
    return &s;
}

uint32_t NodeTable::find_locked(const Mount* m, const Inode* inode) const {
    if (buckets_.size() == 0) return 0;
    size_t mask = buckets_.size() - 1;
    for (size_t i = hash_of(m, inode) & mask;; i = (i + 1) & mask) {
        uint32_t b = buckets_[i];
        if (b == 0) return 0;
        if (b == kTombstone) continue;
        const Slot& s = slots_[b - 1];
        if (s.mnt.ptr() == m && &s.dentry->inode() == inode) return b;
    }
}

ostd::Result<void> NodeTable::rehash_locked(size_t n) {
    ostd::Vector<uint32_t> fresh;
    TRY(fresh.resize(n));
    for (size_t i = 0; i < buckets_.size(); ++i) {
        uint32_t b = buckets_[i];
        if (b == 0 || b == kTombstone) continue;
        const Slot& s = slots_[b - 1];
        size_t j = hash_of(s.mnt.ptr(), &s.dentry->inode()) & (n - 1);
        while (fresh[j] != 0)
            j = (j + 1) & (n - 1);
        fresh[j] = b;
    }
    buckets_ = std::move(fresh);
    used_buckets_ = live_;
    return ostd::ok();
}

ostd::Result<void> NodeTable::hash_insert_locked(uint32_t index) {
    // Keep live + tombstones under half the table; grow when live entries need it.
    if ((used_buckets_ + 1) * 2 > buckets_.size()) {
        size_t n = buckets_.size() < kMinBuckets ? kMinBuckets : buckets_.size();
        while ((live_ + 1) * 4 > n)
            n *= 2;
        TRY(rehash_locked(n));
    }
    const Slot& s = slots_[index];
    size_t mask = buckets_.size() - 1;
    size_t i = hash_of(s.mnt.ptr(), &s.dentry->inode()) & mask;
    while (buckets_[i] != 0 && buckets_[i] != kTombstone)
        i = (i + 1) & mask;
    if (buckets_[i] == 0) ++used_buckets_;
    buckets_[i] = index + 1;
    ++live_;
    return ostd::ok();
}

void NodeTable::hash_erase_locked(uint32_t index) {
    const Slot& s = slots_[index];
    size_t mask = buckets_.size() - 1;
    for (size_t i = hash_of(s.mnt.ptr(), &s.dentry->inode()) & mask;; i = (i + 1) & mask) {
        if (buckets_[i] == index + 1) {
            buckets_[i] = kTombstone;
            --live_;
            return;
        }
        ORRERY_ASSERT(buckets_[i] != 0, "NodeTable: live slot missing from its hash");
    }
}

ostd::Result<void> NodeTable::reset(Path root) {
    clear();
    ostd::MutexGuard g(lock_);
    TRY(slots_.resize(1));
    slots_[0].mnt = std::move(root.mnt);
    slots_[0].dentry = std::move(root.dentry);
    slots_[0].lookups = 1;
    if (auto r = hash_insert_locked(0); r.is_error()) {
        slots_.clear();
        return r;
    }
    return ostd::ok();
}

ostd::Result<uint64_t> NodeTable::ref(const Path& p) {
    ostd::MutexGuard g(lock_);
    if (uint32_t b = find_locked(p.mnt.ptr(), &p.inode())) {
        Slot& s = slots_[b - 1];
        if (b != 1) ++s.lookups;
        if (s.dentry.ptr() != p.dentry.ptr()) s.dentry = p.dentry;  // same hash: same inode
        return id_of(b - 1, s.generation);
    }
    uint32_t index;
    if (free_head_ != 0) {
        index = free_head_ - 1;
    } else {
        if (slots_.size() >= 0xfffffff0u) return ostd::Error(ENOMEM, "node ids exhausted");
        TRY(slots_.resize(slots_.size() + 1));
        index = uint32_t(slots_.size() - 1);
        slots_[index].next_free = 0;
    }
    Slot& s = slots_[index];
    s.mnt = p.mnt;
    s.dentry = p.dentry;
    if (auto r = hash_insert_locked(index); r.is_error()) {
        s.mnt = nullptr;
        s.dentry = nullptr;
        if (free_head_ == 0) slots_.pop_back();
        return r.error();
    }
    if (free_head_ == index + 1) free_head_ = s.next_free;
    s.next_free = 0;
    s.lookups = 1;
    return id_of(index, s.generation);
}

ostd::Result<Path> NodeTable::get(uint64_t id) const {
    ostd::MutexGuard g(lock_);
    const Slot* s = slot_for(id);
    if (!s) return ostd::Error(ESTALE, "unknown node id");
    return Path{s->mnt.to_ref(), s->dentry.to_ref()};
}

void NodeTable::forget(uint64_t id, uint64_t n) {
    ostd::MutexGuard g(lock_);
    if (id == kRootNode) return;
    const Slot* cs = slot_for(id);
    if (!cs) return;
    uint32_t index = uint32_t(id & 0xffffffffu) - 1;
    Slot& s = slots_[index];
    if (s.lookups > n) {
        s.lookups -= n;
        return;
    }
    hash_erase_locked(index);
    s.mnt = nullptr;
    s.dentry = nullptr;
    s.lookups = 0;
    ++s.generation;
    s.next_free = free_head_;
    free_head_ = index + 1;
}

size_t NodeTable::size() const {
    ostd::MutexGuard g(lock_);
    return live_;
}

uint64_t NodeTable::lookups(uint64_t id) const {
    ostd::MutexGuard g(lock_);
    const Slot* s = slot_for(id);
    return s ? s->lookups : 0;
}

void NodeTable::clear() {
    ostd::MutexGuard g(lock_);
    slots_.clear();
    buckets_.clear();
    used_buckets_ = 0;
    live_ = 0;
    free_head_ = 0;
}

}  // namespace kernel::fs::exporter
