// File base behaviour and the Files for inodes: regular files, directories (getdents) and
// generated snapshots.
#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/file.h>

#include <kernel/fs/epoll.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;

File::File(const Path* path, ostd::RefPtr<Inode> inode, uint32_t flags)
    : inode_(std::move(inode)),
      flags_(flags & ~(o::kCreat | o::kExcl | o::kNoctty | o::kTrunc | o::kCloexec)) {
    if (path) path_.emplace(*path);
}

File::~File() = default;

void File::on_last_unref() const {
    // Nobody holds a reference any more, so no epoll_ctl can be adding a watch concurrently:
    // the unlocked emptiness check is exact (the count's acq_rel orders earlier additions).
    if (!epoll_watches_.is_empty()) epoll_release_file(*this);
}

void File::set_status_flags(uint32_t flags) {
    constexpr uint32_t kChangeable =
        o::kAppend | o::kNonblock | o::kAsync | o::kDirect | o::kNoatime;
    uint32_t old = flags_.load(std::memory_order_relaxed);
    while (!flags_.compare_exchange_weak(old, (old & ~kChangeable) | (flags & kChangeable))) {
    }
}

bool File::is_path_only() const {
    return flags() & o::kPath;
}
bool File::is_readable() const {
    uint32_t acc = flags() & o::kAccmode;
    return !is_path_only() && (acc == o::kRdonly || acc == o::kRdwr);
}
bool File::is_writable() const {
    uint32_t acc = flags() & o::kAccmode;
    return !is_path_only() && (acc == o::kWronly || acc == o::kRdwr);
}
bool File::is_nonblocking() const {
    return flags() & o::kNonblock;
}

Result<size_t> File::read(ostd::VmWriter&) {
    return Error(EINVAL, "file cannot be read");
}
Result<size_t> File::write(ostd::VmReader&) {
    return Error(EINVAL, "file cannot be written");
}
Result<size_t> File::pread(ostd::VmWriter&, uint64_t) {
    return Error(ESPIPE);
}
Result<size_t> File::pwrite(ostd::VmReader&, uint64_t) {
    return Error(ESPIPE);
}
Result<int64_t> File::seek(int64_t, int) {
    return Error(ESPIPE);
}
Result<size_t> File::getdents(ostd::VmWriter&) {
    return Error(ENOTDIR);
}
Result<int64_t> File::ioctl(uint32_t, uint64_t, IoctlIo&) {
    return Error(ENOTTY);
}
uint32_t File::poll_events() {
    return uint32_t(abi::poll::kIn | abi::poll::kOut);
}
PollHub* File::poll_hub() {
    return nullptr;
}
Result<void> File::fsync() {
    return ostd::ok();
}
Result<int64_t> File::pipe_size(int64_t) {
    return Error(EBADF, "not a pipe");
}

uint64_t File::offset() {
    ostd::MutexGuard g(pos_lock_);
    return pos_;
}

namespace {

/// Seek arithmetic shared by seekable files: EINVAL for a bad whence or a negative result,
/// EOVERFLOW past INT64_MAX.
Result<int64_t> compute_seek(int64_t pos, int64_t size, int64_t offset, int whence) {
    int64_t base;
    switch (whence) {
        case abi::seek::kSet:
            base = 0;
            break;
        case abi::seek::kCur:
            base = pos;
            break;
        case abi::seek::kEnd:
            base = size;
            break;
        case abi::seek::kData:
            if (offset < 0 || offset >= size) return Error(ENXIO);
            return offset;
        case abi::seek::kHole:
            if (offset < 0 || offset >= size) return Error(ENXIO);
            return size;
        default:
            return Error(EINVAL, "bad whence");
    }
    int64_t r;
    if (__builtin_add_overflow(base, offset, &r)) return Error(EOVERFLOW);
    if (r < 0) return Error(EINVAL, "negative file offset");
    return r;
}

class RegularFile final : public File {
public:
    RegularFile(const Path& p, uint32_t flags) : File(&p, p.dentry->inode_ref(), flags) {}

    Result<size_t> read(ostd::VmWriter& out) override {
        ostd::MutexGuard g(pos_lock_);
        size_t n = TRY(inode()->read_at(pos_, out));
        pos_ += n;
        return n;
    }
    Result<size_t> write(ostd::VmReader& in) override {
        ostd::MutexGuard g(pos_lock_);
        if (flags() & o::kAppend) pos_ = inode()->size();
        size_t n = TRY(inode()->write_at(pos_, in));
        pos_ += n;
        return n;
    }
    Result<size_t> pread(ostd::VmWriter& out, uint64_t off) override {
        return inode()->read_at(off, out);
    }
    Result<size_t> pwrite(ostd::VmReader& in, uint64_t off) override {
        // Linux quirk kept: O_APPEND makes pwrite append too (man 2 pwrite, BUGS).
        if (flags() & o::kAppend) off = inode()->size();
        return inode()->write_at(off, in);
    }
    Result<int64_t> seek(int64_t offset, int whence) override {
        ostd::MutexGuard g(pos_lock_);
        int64_t r = TRY(compute_seek(int64_t(pos_), int64_t(inode()->size()), offset, whence));
        pos_ = uint64_t(r);
        return r;
    }
};

class DirectoryFile final : public File {
public:
    DirectoryFile(const Path& p, uint32_t flags) : File(&p, p.dentry->inode_ref(), flags) {}

    Result<int64_t> seek(int64_t offset, int whence) override {
        ostd::MutexGuard g(pos_lock_);
        int64_t r =
            TRY(compute_seek(int64_t(pos_), 0, offset, whence == abi::seek::kEnd ? -1 : whence));
        pos_ = uint64_t(r);
        return r;
    }
    Result<size_t> read(ostd::VmWriter&) override { return Error(EISDIR); }
    Result<size_t> pread(ostd::VmWriter&, uint64_t) override { return Error(EISDIR); }

    Result<size_t> getdents(ostd::VmWriter& out) override;
};

/// Writes one linux_dirent64 record; false when it does not fit.
Result<bool> emit_dirent(ostd::VmWriter& out, uint64_t ino, int64_t next, uint8_t type,
                         std::string_view name) {
    size_t reclen = (abi::kDirentNameOffset + name.size() + 1 + 7) & ~size_t(7);
    if (reclen > out.remaining()) return false;
    std::byte rec[abi::kDirentNameOffset + kNameMax + 8] = {};
    abi::LinuxDirent64 hdr{ino, next, uint16_t(reclen), type};
    __builtin_memcpy(rec, &hdr, abi::kDirentNameOffset);
    __builtin_memcpy(rec + abi::kDirentNameOffset, name.data(), name.size());
    TRY(out.write(std::span<const std::byte>(rec, reclen)));
    return true;
}

Result<size_t> DirectoryFile::getdents(ostd::VmWriter& out) {
    ostd::MutexGuard pg(pos_lock_);
    // Gather under the tree lock into a small batch, emit after it: user copies may fault.
    struct Item {
        uint64_t ino;
        uint8_t type;
        ostd::String name;
    };
    ostd::Vector<Item> batch;
    size_t budget = out.remaining() / (abi::kDirentNameOffset + 1) + 1;
    if (budget > 256) budget = 256;
    uint64_t pos = pos_;
    size_t nchildren = 0;
    {
        ostd::MutexGuard g(tree_lock());
        const Dentry& d = *path()->dentry;
        nchildren = d.children().size();
        for (; batch.size() < budget; ++pos) {
            if (pos == 0) {
                TRY(batch.push_back(
                    Item{d.inode().ino(), abi::dt::kDir, TRY(ostd::String::from("."))}));
            } else if (pos == 1) {
                const Dentry* parent = d.parent() ? d.parent() : &d;
                const Mount& m = *path()->mnt;
                if (m.root().ptr() == &d && m.mountpoint())
                    parent = m.mountpoint()->parent() ? m.mountpoint()->parent() : m.mountpoint();
                TRY(batch.push_back(
                    Item{parent->inode().ino(), abi::dt::kDir, TRY(ostd::String::from(".."))}));
            } else if (pos - 2 < nchildren) {
                const Dentry& c = *d.children()[pos - 2];
                TRY(batch.push_back(Item{c.inode().ino(), dirent_type(c.inode().type()),
                                         TRY(ostd::String::from(c.name()))}));
            } else {
                break;
            }
        }
    }
    if (batch.size() < budget && pos >= 2 + nchildren) {
        struct Ctx {
            ostd::Vector<Item>* batch;
            size_t skip;
            size_t budget;
        } ctx{&batch, size_t(pos - 2 - nchildren), budget};
        TRY(inode()->list_computed(
            [](void* p, std::string_view name, uint64_t ino, FileType type) -> Result<void> {
                auto* c = static_cast<Ctx*>(p);
                if (c->skip) {
                    --c->skip;
                    return ostd::ok();
                }
                if (c->batch->size() >= c->budget) return ostd::ok();
                TRY(c->batch->push_back(
                    Item{ino, dirent_type(type), TRY(ostd::String::from(name))}));
                return ostd::ok();
            },
            &ctx));
    }
    size_t written = 0;
    for (const Item& it : batch) {
        bool fit = TRY(emit_dirent(out, it.ino, int64_t(pos_ + 1), it.type, it.name.view()));
        if (!fit) {
            if (written == 0) return Error(EINVAL, "getdents buffer too small");
            break;
        }
        written += (abi::kDirentNameOffset + it.name.size() + 1 + 7) & ~size_t(7);
        ++pos_;
    }
    return written;
}

class SnapshotFile final : public File {
public:
    SnapshotFile(const Path& p, uint32_t flags, ostd::String s)
        : File(&p, p.dentry->inode_ref(), flags), text_(std::move(s)) {}
    Result<size_t> read(ostd::VmWriter& out) override {
        ostd::MutexGuard g(pos_lock_);
        size_t n = TRY(pread(out, pos_));
        pos_ += n;
        return n;
    }
    Result<size_t> pread(ostd::VmWriter& out, uint64_t off) override {
        if (off >= text_.size()) return size_t(0);
        std::string_view v = text_.view().substr(off);
        return out.write(std::as_bytes(std::span<const char>(v.data(), v.size())));
    }
    Result<int64_t> seek(int64_t offset, int whence) override {
        ostd::MutexGuard g(pos_lock_);
        int64_t r = TRY(compute_seek(int64_t(pos_), int64_t(text_.size()), offset, whence));
        pos_ = uint64_t(r);
        return r;
    }

private:
    ostd::String text_;
};

/// O_PATH descriptors: no I/O at all.
class PathFile final : public File {
public:
    PathFile(const Path& p, uint32_t flags) : File(&p, p.dentry->inode_ref(), flags) {}
    Result<size_t> read(ostd::VmWriter&) override { return Error(EBADF); }
    Result<size_t> write(ostd::VmReader&) override { return Error(EBADF); }
    Result<size_t> getdents(ostd::VmWriter&) override { return Error(EBADF); }
};

}  // namespace

Result<Ref<File>> open_inode_file(const Path& path, uint32_t flags) {
    if (flags & o::kPath) return Ref<File>(TRY(ostd::try_make_ref<PathFile>(path, flags)));
    switch (path.inode().type()) {
        case FileType::kRegular:
            return Ref<File>(TRY(ostd::try_make_ref<RegularFile>(path, flags)));
        case FileType::kDirectory:
            return Ref<File>(TRY(ostd::try_make_ref<DirectoryFile>(path, flags)));
        case FileType::kSymlink:
            return Error(ELOOP, "cannot open a symlink");
        default:
            return Error(ENXIO, "no driver for this inode");
    }
}

Result<Ref<File>> open_snapshot_file(const Path& path, uint32_t flags, ostd::String contents) {
    if (flags & o::kPath) return Ref<File>(TRY(ostd::try_make_ref<PathFile>(path, flags)));
    return Ref<File>(TRY(ostd::try_make_ref<SnapshotFile>(path, flags, std::move(contents))));
}

}  // namespace kernel::fs
