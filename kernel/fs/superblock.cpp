// Superblocks and the file-system type registry.
#include <kernel/fs/dentry.h>
#include <kernel/fs/superblock.h>
#include <ostd/sync/spinlock.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace {
std::atomic<uint32_t> g_next_anon_minor{16};

constexpr size_t kMaxTypes = 16;
ostd::SpinLock g_types_lock;
const FileSystemType* g_types[kMaxTypes] ORRERY_GUARDED_BY(g_types_lock);
size_t g_ntypes ORRERY_GUARDED_BY(g_types_lock) = 0;
}  // namespace

SuperBlock::SuperBlock(std::string_view type_name, uint64_t magic, uint64_t max_bytes)
    : type_name_(type_name),
      magic_(magic),
      dev_(make_dev(0, g_next_anon_minor.fetch_add(1, std::memory_order_relaxed))),
      max_(max_bytes) {}

SuperBlock::~SuperBlock() {
    if (root_) {
        ostd::MutexGuard g(tree_lock());
        root_->detach_subtree();
    }
}

Result<Ref<SuperBlock>> SuperBlock::create(std::string_view type_name, uint64_t magic,
                                           uint64_t max_bytes) {
    return ostd::try_make_ref<SuperBlock>(type_name, magic, max_bytes);
}

Ref<Dentry> SuperBlock::root() const {
    return root_.to_ref();
}
void SuperBlock::set_root(Ref<Dentry> root) {
    root_ = std::move(root);
}

Result<void> SuperBlock::reserve_bytes(uint64_t n) {
    uint64_t cur = used_.load(std::memory_order_relaxed);
    for (;;) {
        if (max_ && (cur + n > max_ || cur + n < cur)) return Error(ENOSPC, "file system full");
        if (used_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed)) return ostd::ok();
    }
}

void SuperBlock::release_bytes(uint64_t n) {
    used_.fetch_sub(n, std::memory_order_relaxed);
}

Result<void> register_filesystem(const FileSystemType& type) {
    ostd::SpinLockGuard g(g_types_lock);
    for (size_t i = 0; i < g_ntypes; ++i) {
        if (std::string_view(g_types[i]->name) == type.name)
            return g_types[i] == &type ? ostd::ok() : Error(EEXIST, "file system type name taken");
    }
    if (g_ntypes == kMaxTypes) return Error(ENOSPC, "file system type table full");
    g_types[g_ntypes++] = &type;
    return ostd::ok();
}

Result<const FileSystemType*> find_filesystem(std::string_view name) {
    ostd::SpinLockGuard g(g_types_lock);
    for (size_t i = 0; i < g_ntypes; ++i)
        if (std::string_view(g_types[i]->name) == name) return g_types[i];
    return Error(ENODEV, "unknown file system type");
}

void for_each_filesystem(void (*visit)(const FileSystemType&, void*), void* ctx) {
    const FileSystemType* copy[kMaxTypes];
    size_t n;
    {
        ostd::SpinLockGuard g(g_types_lock);
        n = g_ntypes;
        for (size_t i = 0; i < n; ++i)
            copy[i] = g_types[i];
    }
    for (size_t i = 0; i < n; ++i)
        visit(*copy[i], ctx);
}

}  // namespace kernel::fs
