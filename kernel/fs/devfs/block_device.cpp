// RamDisk storage and the block-device File (read/write at the offset, lseek, BLK* ioctls).
#include <kernel/fs/devfs/block_device.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;

namespace {

constexpr uint64_t kPage = 4096;
constexpr size_t kBounce = 512;

/// The next piece of a transfer at device offset `pos` with `left` bytes to go: it stays inside
/// one page and fits the bounce buffer.
struct Chunk {
    size_t index;    // page
    size_t in_page;  // offset inside it
    size_t len;
};
Chunk chunk_at(uint64_t pos, uint64_t left) {
    size_t in_page = size_t(pos % kPage);
    size_t len = size_t(kPage - in_page) < kBounce ? size_t(kPage - in_page) : kBounce;
    if (len > left) len = size_t(left);
    return {size_t(pos / kPage), in_page, len};
}

}  // namespace

Result<Ref<RamDisk>> RamDisk::create(uint64_t bytes) {
    uint64_t size = (bytes + kPage - 1) / kPage * kPage;
    // The page slots grow on first write: every boot creates /dev/ram0, few inputs write to it.
    return ostd::try_make_ref<RamDisk>(size);
}

Result<size_t> RamDisk::read_at(uint64_t offset, ostd::VmWriter& out) {
    if (offset >= size_) return size_t(0);
    uint64_t want = size_ - offset;
    if (want > out.remaining()) want = out.remaining();
    ostd::MutexGuard g(lock_);
    std::byte buf[kBounce];
    size_t done = 0;
    while (done < want) {
        auto [index, in_page, chunk] = chunk_at(offset + done, want - done);
        // Pages never written (no slot yet, or an empty one) read as zeros.
        const ostd::Frame* page =
            index < pages_.size() && pages_[index] ? &*pages_[index] : nullptr;
        size_t copied = 0;
        if (page) page->copy_to(in_page, {buf, chunk});
        Result<size_t> r = page ? out.write({buf, chunk}, &copied) : out.fill_zero(chunk, &copied);
        if (r.is_error()) {
            if (done + copied) return done + copied;
            return r.release_error();
        }
        done += chunk;
    }
    return done;
}

Result<size_t> RamDisk::write_at(uint64_t offset, ostd::VmReader& in) {
    if (in.remaining() == 0) return size_t(0);
    if (offset >= size_) return Error(ENOSPC, "write past the end of the device");
    uint64_t want = size_ - offset;
    if (want > in.remaining()) want = in.remaining();
    ostd::MutexGuard g(lock_);
    std::byte buf[kBounce];
    size_t done = 0;
    while (done < want) {
        auto [index, in_page, chunk] = chunk_at(offset + done, want - done);
        if (index >= pages_.size()) {
            // Doubling keeps a sequential fill linear (resize reserves exactly what it is asked).
            size_t slots = pages_.size() * 2 > index + 1 ? pages_.size() * 2 : index + 1;
            size_t total = size_t(size_ / kPage);
            if (slots > total) slots = total;
            if (pages_.resize(slots).is_error()) {
                if (done) return done;
                return Error(ENOMEM, "no memory for a ram disk page slot");
            }
        }
        auto& page = pages_[index];
        if (!page) {
            auto f = ostd::Frame::alloc();  // zeroed
            if (f.is_error()) {
                if (done) return done;
                return Error(ENOMEM, "no memory for a ram disk page");
            }
            page = f.release_value();
        }
        size_t copied = 0;
        auto r = in.read({buf, chunk}, &copied);
        page->copy_from(in_page, {buf, r.is_ok() ? chunk : copied});
        if (r.is_error()) {
            if (done + copied) return done + copied;
            return r.release_error();
        }
        done += chunk;
    }
    return done;
}

namespace {

class BlockFile final : public File {
public:
    BlockFile(const Path& p, uint32_t flags, Ref<BlockDevice> dev)
        : File(&p, p.dentry->inode_ref(), flags), dev_(std::move(dev)) {}

    Result<size_t> read(ostd::VmWriter& out) override {
        ostd::MutexGuard g(pos_lock_);
        size_t n = TRY(dev_->read_at(pos_, out));
        pos_ += n;
        return n;
    }
    Result<size_t> write(ostd::VmReader& in) override {
        ostd::MutexGuard g(pos_lock_);
        size_t n = TRY(dev_->write_at(pos_, in));
        pos_ += n;
        return n;
    }
    Result<size_t> pread(ostd::VmWriter& out, uint64_t offset) override {
        return dev_->read_at(offset, out);
    }
    Result<size_t> pwrite(ostd::VmReader& in, uint64_t offset) override {
        return dev_->write_at(offset, in);
    }
    Result<int64_t> seek(int64_t offset, int whence) override {
        ostd::MutexGuard g(pos_lock_);
        int64_t base;
        switch (whence) {
            case abi::seek::kSet:
                base = 0;
                break;
            case abi::seek::kCur:
                base = int64_t(pos_);
                break;
            case abi::seek::kEnd:
                base = int64_t(dev_->size());
                break;
            default:
                return Error(EINVAL, "bad whence for a block device");
        }
        if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
            return Error(EINVAL, "seek out of range");
        pos_ = uint64_t(base + offset);
        return int64_t(pos_);
    }
    Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, IoctlIo& io) override {
        switch (cmd) {
            case kBlkGetSize64:
                return put(io, arg, uint64_t{dev_->size()});
            case kBlkGetSize:
                return put(io, arg, uint64_t{dev_->size() / 512});
            case kBlkSszGet:
                return put(io, arg, int32_t(dev_->sector_size()));
            case kBlkPbszGet:
                return put(io, arg, uint32_t(dev_->sector_size()));
            case kBlkRoGet:
                return put(io, arg, int32_t{0});
            default:
                return Error(ENOTTY, "unknown block-device ioctl");
        }
    }
    Result<void> fsync() override { return ostd::ok(); }  // RAM: nothing to flush

private:
    template <typename T>
    static Result<int64_t> put(IoctlIo& io, uint64_t arg, T value) {
        TRY(io.copy_out(arg, std::as_bytes(std::span<const T>(&value, 1))));
        return 0;
    }
    Ref<BlockDevice> dev_;
};

}  // namespace

Result<Ref<File>> open_block_file(const Path& path, uint32_t flags, Ref<BlockDevice> dev) {
    return Ref<File>(TRY(ostd::try_make_ref<BlockFile>(path, flags, std::move(dev))));
}

}  // namespace kernel::fs
