// tmpfs inode data: sparse page array, truncate/fallocate, symlink text, user.* xattrs.
#include <kernel/fs/superblock.h>
#include <kernel/fs/tmpfs/tmpfs_inode.h>
#include <kernel/fs/file_pages.h>
#include <ostd/mm/heap.h>

namespace kernel::fs::tmpfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace {
constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxFileSize = uint64_t(1) << 40;
constexpr size_t kXattrNameMax = 255;
constexpr size_t kXattrSizeMax = 65536;
constexpr int kXattrCreate = 1;
constexpr int kXattrReplace = 2;
constexpr int kFallocKeepSize = 1;

Result<void> check_xattr_name(std::string_view name) {
    if (name.empty() || name.size() > kXattrNameMax) return Error(ERANGE, "bad xattr name length");
    if (name.substr(0, 5) != "user.") return Error(EOPNOTSUPP, "only user.* xattrs on tmpfs");
    if (name.size() == 5) return Error(EINVAL, "empty xattr name after prefix");
    return ostd::ok();
}
}  // namespace

Result<void> Page::allocate() {
    auto f = ostd::Frame::alloc();  // zeroed
    if (f.is_error()) return Error(ENOMEM, "no memory for a tmpfs page");
    frame_ = f.release_value();
    return ostd::ok();
}

namespace {

constexpr size_t kBounce = 512;  // Frame bytes pass through a small stack buffer.

/// Copies n bytes of `f` at `off` to `out`; *copied counts what reached `out`.
Result<size_t> copy_out(const ostd::Frame& f, size_t off, size_t n, ostd::VmWriter& out,
                        size_t* copied) {
    std::byte buf[kBounce];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < kBounce ? n - done : kBounce;
        f.copy_to(off + done, {buf, k});
        size_t c = 0;
        auto r = out.write({buf, k}, &c);
        if (r.is_error()) {
            *copied = done + c;
            return r.release_error();
        }
        done += k;
    }
    *copied = done;
    return done;
}

/// Copies n bytes from `in` into `f` at `off`; on a fault the bytes read before it land too.
Result<size_t> copy_in(const ostd::Frame& f, size_t off, size_t n, ostd::VmReader& in,
                       size_t* copied) {
    std::byte buf[kBounce];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < kBounce ? n - done : kBounce;
        size_t c = 0;
        auto r = in.read({buf, k}, &c);
        if (r.is_error()) {
            f.copy_from(off + done, {buf, c});
            *copied = done + c;
            return r.release_error();
        }
        f.copy_from(off + done, {buf, k});
        done += k;
    }
    *copied = done;
    return done;
}

}  // namespace

Result<Ref<Inode>> TmpfsInode::create(SuperBlock& sb, const NewInode& spec,
                                      std::string_view link_target) {
    Ref<TmpfsInode> ino = TRY(ostd::try_make_ref<TmpfsInode>(sb, spec));
    if (spec.type == FileType::kSymlink) TRY(ino->set_link(link_target));
    return Ref<Inode>(std::move(ino));
}

TmpfsInode::~TmpfsInode() {
    ostd::MutexGuard g(data_lock_);
    if (allocated_pages_) super_block()->release_bytes(allocated_pages_ * kPage);
}

Result<void> TmpfsInode::set_link(std::string_view target) {
    link_ = TRY(ostd::String::from(target));
    update_size(target.size(), 0);
    return ostd::ok();
}

Result<ostd::String> TmpfsInode::read_link() const {
    if (type() != FileType::kSymlink) return Error(EINVAL, "not a symlink");
    return link_.try_clone();
}

Result<Ref<Inode>> TmpfsInode::create_child(const NewInode& spec) {
    return create(*super_block(), spec, spec.link_target);
}

void TmpfsInode::publish_size_locked() {
    update_size(size_, allocated_pages_ * (kPage / 512));
}

Result<void> TmpfsInode::ensure_page_locked(size_t index) {
    if (index < pages_.size() && pages_[index].present()) return ostd::ok();
    TRY(super_block()->reserve_bytes(kPage));
    Page p;
    if (auto r = p.allocate(); r.is_error()) {
        super_block()->release_bytes(kPage);
        return r;
    }
    if (index >= pages_.size()) {
        // Geometric growth: an exact reserve per page made writing a file quadratic.
        size_t want = index + 1 > pages_.capacity() * 2 ? index + 1 : pages_.capacity() * 2;
        auto r = pages_.reserve(want);
        if (r.is_error()) r = pages_.reserve(index + 1);
        if (r.is_error()) {
            super_block()->release_bytes(kPage);
            return r;
        }
        while (pages_.size() <= index)
            MUST(pages_.push_back(Page{}));
    }
    pages_[index] = std::move(p);
    ++allocated_pages_;
    return ostd::ok();
}

Result<size_t> TmpfsInode::read_at(uint64_t offset, ostd::VmWriter& out) {
    if (type() != FileType::kRegular) return Inode::read_at(offset, out);
    ostd::MutexGuard g(data_lock_);
    if (offset >= size_) return size_t(0);
    uint64_t want = size_ - offset;
    if (want > out.remaining()) want = out.remaining();
    size_t done = 0;
    while (done < want) {
        uint64_t pos = offset + done;
        size_t index = size_t(pos / kPage);
        size_t in_page = size_t(pos % kPage);
        size_t chunk = size_t(kPage - in_page);
        if (chunk > want - done) chunk = size_t(want - done);
        size_t copied = 0;
        Result<size_t> r = (index < pages_.size() && pages_[index].present())
                               ? copy_out(pages_[index].frame(), in_page, chunk, out, &copied)
                               : out.fill_zero(chunk, &copied);
        if (r.is_error()) {
            done += copied;
            if (done) break;
            return r.release_error();
        }
        done += chunk;
    }
    return done;
}

Result<size_t> TmpfsInode::write_at(uint64_t offset, ostd::VmReader& in) {
    if (type() != FileType::kRegular) return Inode::write_at(offset, in);
    uint64_t want = in.remaining();
    if (want == 0) return size_t(0);
    if (offset >= kMaxFileSize) return Error(EFBIG, "file too large");
    if (want > kMaxFileSize - offset) want = kMaxFileSize - offset;
    ostd::MutexGuard g(data_lock_);
    size_t done = 0;
    Error failure(0);
    while (done < want) {
        uint64_t pos = offset + done;
        size_t index = size_t(pos / kPage);
        size_t in_page = size_t(pos % kPage);
        size_t chunk = size_t(kPage - in_page);
        if (chunk > want - done) chunk = size_t(want - done);
        if (auto r = ensure_page_locked(index); r.is_error()) {
            failure = r.error();
            break;
        }
        size_t copied = 0;
        auto r = copy_in(pages_[index].frame(), in_page, chunk, in, &copied);
        if (r.is_error()) {
            done += copied;
            failure = r.error();
            break;
        }
        done += chunk;
    }
    if (offset + done > size_) size_ = offset + done;
    publish_size_locked();
    if (done == 0 && failure.code() != 0) return failure;
    touch(kMtime | kCtime);
    return done;
}

Result<void> TmpfsInode::truncate_locked(uint64_t size) {
    if (size > kMaxFileSize) return Error(EFBIG, "file too large");
    if (size < size_) {
        size_t keep = size_t((size + kPage - 1) / kPage);
        for (size_t i = keep; i < pages_.size(); ++i) {
            if (pages_[i].present()) {
                pages_[i] = Page{};
                --allocated_pages_;
                super_block()->release_bytes(kPage);
            }
        }
        pages_.truncate(keep);
        size_t tail = size_t(size % kPage);
        if (tail && keep - 1 < pages_.size() && pages_[keep - 1].present())
            pages_[keep - 1].frame().fill_zero(tail, kPage - tail);
    }
    size_ = size;
    publish_size_locked();
    return ostd::ok();
}

Result<ostd::Frame> TmpfsInode::shared_page(uint64_t index) {
    if (type() != FileType::kRegular) return Inode::shared_page(index);
    // read/write of this file with a buffer in its own shared mapping fault here with
    // data_lock_ held: the copy fails (EFAULT) instead of deadlocking.
    if (data_lock_.is_held_by_current()) return Error(EFAULT, "file page faulted during I/O");
    ostd::MutexGuard g(data_lock_);
    if (index >= (size_ + kPage - 1) / kPage) return Error(ENXIO, "page past end of file");
    TRY(ensure_page_locked(size_t(index)));
    publish_size_locked();
    shared_mapped_ = true;
    return pages_[size_t(index)].frame();
}

Result<void> TmpfsInode::truncate(uint64_t size) {
    if (type() != FileType::kRegular) return Inode::truncate(size);
    bool unmap;
    {
        ostd::MutexGuard g(data_lock_);
        unmap = shared_mapped_ && size < size_;
        TRY(truncate_locked(size));
    }
    // Shared mappings lose the pages past the new end: touching them is SIGBUS now.
    if (unmap) unmap_shared_pages_past(*this, size);
    touch(kMtime | kCtime);
    return ostd::ok();
}

Result<void> TmpfsInode::allocate(int mode, uint64_t offset, uint64_t len) {
    if (type() != FileType::kRegular) return Error(ENODEV, "fallocate on a non-regular file");
    if (mode & ~kFallocKeepSize) return Error(EOPNOTSUPP, "fallocate mode not supported");
    if (len == 0) return Error(EINVAL, "fallocate length 0");
    if (offset >= kMaxFileSize || len > kMaxFileSize - offset) return Error(EFBIG);
    ostd::MutexGuard g(data_lock_);
    for (uint64_t p = offset / kPage; p <= (offset + len - 1) / kPage; ++p)
        TRY(ensure_page_locked(size_t(p)));
    if (!(mode & kFallocKeepSize) && offset + len > size_) size_ = offset + len;
    publish_size_locked();
    touch(kCtime);
    return ostd::ok();
}

Result<size_t> TmpfsInode::get_xattr(std::string_view name, ostd::VmWriter* out) const {
    TRY(check_xattr_name(name));
    ostd::MutexGuard g(data_lock_);
    for (const Xattr& x : xattrs_) {
        if (x.name.view() != name) continue;
        if (!out) return x.value.size();
        if (out->remaining() < x.value.size()) return Error(ERANGE, "xattr buffer too small");
        TRY(out->write(x.value.span()));
        return x.value.size();
    }
    return Error(ENODATA, "no such xattr");
}

Result<void> TmpfsInode::set_xattr(std::string_view name, std::span<const std::byte> value,
                                   int flags) {
    TRY(check_xattr_name(name));
    if (value.size() > kXattrSizeMax) return Error(E2BIG, "xattr value too large");
    if (type() != FileType::kRegular && type() != FileType::kDirectory)
        return Error(EPERM, "user xattrs only on files and directories");
    ostd::Vector<std::byte> v;
    TRY(v.reserve(value.size()));
    for (std::byte b : value)
        MUST(v.push_back(b));
    ostd::MutexGuard g(data_lock_);
    for (Xattr& x : xattrs_) {
        if (x.name.view() != name) continue;
        if (flags & kXattrCreate) return Error(EEXIST, "xattr exists");
        x.value = std::move(v);
        touch(kCtime);
        return ostd::ok();
    }
    if (flags & kXattrReplace) return Error(ENODATA, "no such xattr");
    TRY(xattrs_.push_back(Xattr{TRY(ostd::String::from(name)), std::move(v)}));
    touch(kCtime);
    return ostd::ok();
}

Result<size_t> TmpfsInode::list_xattr(ostd::VmWriter* out) const {
    ostd::MutexGuard g(data_lock_);
    size_t total = 0;
    for (const Xattr& x : xattrs_)
        total += x.name.size() + 1;
    if (!out) return total;
    if (out->remaining() < total) return Error(ERANGE, "xattr list buffer too small");
    for (const Xattr& x : xattrs_)
        TRY(out->write(std::as_bytes(std::span<const char>(x.name.c_str(), x.name.size() + 1))));
    return total;
}

Result<void> TmpfsInode::remove_xattr(std::string_view name) {
    TRY(check_xattr_name(name));
    ostd::MutexGuard g(data_lock_);
    for (size_t i = 0; i < xattrs_.size(); ++i) {
        if (xattrs_[i].name.view() == name) {
            xattrs_.erase(i);
            touch(kCtime);
            return ostd::ok();
        }
    }
    return Error(ENODATA, "no such xattr");
}

}  // namespace kernel::fs::tmpfs
