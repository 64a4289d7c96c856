// Inode metadata accessors and the default (failing) operations.
#include <kernel/fs/file.h>
#include <kernel/fs/inode.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/superblock.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;

Inode::Inode(SuperBlock* sb, const NewInode& spec, uint64_t ino)
    : sb_(sb), ino_(ino ? ino : (sb ? sb->next_ino() : 0)), type_(spec.type) {
    abi::Timespec now = current_time();
    meta_.type = spec.type;
    meta_.perm = spec.perm & abi::mode::kPermMask;
    meta_.uid = spec.uid;
    meta_.gid = spec.gid;
    meta_.rdev = spec.rdev;
    meta_.atime = meta_.mtime = meta_.ctime = now;
    if (sb_) sb_->inode_created();
}

Inode::~Inode() {
    if (sb_) sb_->inode_destroyed();
}

uint64_t Inode::dev() const {
    return sb_ ? sb_->dev() : make_dev(0, 9);
}

InodeMeta Inode::meta() const {
    ostd::SpinLockGuard g(meta_lock_);
    return meta_;
}

uint64_t Inode::size() const {
    ostd::SpinLockGuard g(meta_lock_);
    return meta_.size;
}

void Inode::set_perm(uint32_t perm) {
    ostd::SpinLockGuard g(meta_lock_);
    meta_.perm = perm & abi::mode::kPermMask;
    meta_.ctime = current_time();
}

void Inode::set_owner(Uid uid, Gid gid) {
    ostd::SpinLockGuard g(meta_lock_);
    meta_.uid = uid;
    meta_.gid = gid;
    meta_.ctime = current_time();
}

void Inode::set_times(const abi::Timespec* atime, const abi::Timespec* mtime) {
    ostd::SpinLockGuard g(meta_lock_);
    if (atime) meta_.atime = *atime;
    if (mtime) meta_.mtime = *mtime;
    meta_.ctime = current_time();
}

void Inode::touch(uint8_t fields) {
    abi::Timespec now = current_time();
    ostd::SpinLockGuard g(meta_lock_);
    if (fields & kAtime) meta_.atime = now;
    if (fields & kMtime) meta_.mtime = now;
    if (fields & kCtime) meta_.ctime = now;
}

void Inode::inc_nlink() {
    ostd::SpinLockGuard g(meta_lock_);
    ++meta_.nlink;
    meta_.ctime = current_time();
}

void Inode::dec_nlink() {
    ostd::SpinLockGuard g(meta_lock_);
    ORRERY_ASSERT(meta_.nlink > 0, "inode %llu: link count underflow",
                  static_cast<unsigned long long>(ino_));
    --meta_.nlink;
    meta_.ctime = current_time();
}

void Inode::set_nlink(uint32_t n) {
    ostd::SpinLockGuard g(meta_lock_);
    meta_.nlink = n;
}

void Inode::update_size(uint64_t size, uint64_t blocks) {
    ostd::SpinLockGuard g(meta_lock_);
    meta_.size = size;
    meta_.blocks = blocks;
}

Result<ostd::Ref<Pipe>> Inode::fifo_pipe() {
    {
        ostd::SpinLockGuard g(meta_lock_);
        if (fifo_) return fifo_.to_ref();
    }
    ostd::RefPtr<Pipe> fresh = TRY(Pipe::create());
    ostd::RefPtr<Pipe> result;
    {
        ostd::SpinLockGuard g(meta_lock_);
        if (!fifo_) std::swap(fifo_, fresh);
        result = fifo_;
    }
    return result.to_ref();  // `fresh`, if we lost the race, is released outside the lock
}

Result<size_t> Inode::read_at(uint64_t, ostd::VmWriter&) {
    return Error(is_dir() ? EISDIR : EINVAL, "inode has no data");
}
Result<size_t> Inode::write_at(uint64_t, ostd::VmReader&) {
    return Error(is_dir() ? EISDIR : EINVAL, "inode has no data");
}
Result<void> Inode::truncate(uint64_t) {
    return Error(is_dir() ? EISDIR : EINVAL, "inode cannot be truncated");
}
Result<void> Inode::allocate(int, uint64_t, uint64_t) {
    return Error(EOPNOTSUPP, "fallocate not supported");
}
Result<ostd::Ref<Inode>> Inode::create_child(const NewInode&) {
    return Error(EPERM, "file system does not create files");
}
Result<ostd::RefPtr<Inode>> Inode::lookup(std::string_view) {
    return ostd::RefPtr<Inode>();
}
Result<void> Inode::list_computed(DirVisit, void*) {
    return ostd::ok();
}
Result<ostd::String> Inode::read_link() const {
    return Error(EINVAL, "not a symlink");
}
Result<ostd::Frame> Inode::shared_page(uint64_t) {
    return Error(ENODEV, "no page cache to share");
}
Result<bool> Inode::jump_link(Path*) const {
    return false;
}
Result<ostd::Ref<File>> Inode::open(const Path& path, uint32_t flags) {
    return open_inode_file(path, flags);
}
Result<size_t> Inode::get_xattr(std::string_view, ostd::VmWriter*) const {
    return Error(EOPNOTSUPP);
}
Result<void> Inode::set_xattr(std::string_view, std::span<const std::byte>, int) {
    return Error(EOPNOTSUPP);
}
Result<size_t> Inode::list_xattr(ostd::VmWriter*) const {
    return Error(EOPNOTSUPP);
}
Result<void> Inode::remove_xattr(std::string_view) {
    return Error(EOPNOTSUPP);
}

}  // namespace kernel::fs
