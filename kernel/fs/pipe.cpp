// Pipe ring buffer, pipe ends and FIFO opens.
#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/special.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;
namespace pl = abi::poll;

namespace {
constexpr ostd::WaitOptions kIntr{.interruptible = ostd::Interruptible::kYes};

Error restart_error(Error e) {
    return e.code() == EINTR ? Error(ERESTARTSYS) : e;
}
}  // namespace

Result<Ref<Pipe>> Pipe::create() {
    Ref<Pipe> p = TRY(ostd::try_make_ref<Pipe>());
    ostd::MutexGuard g(p->lock_);
    // The ring itself comes with the first write (as Linux allocates a pipe's pages): most
    // pipes of a fuzz input are never written, and zeroing 64 KiB for each was measurable.
    p->capacity_ = kPipeDefaultSize;
    return p;
}

void Pipe::wake_all_sides() {
    read_wq_.wake_all();
    write_wq_.wake_all();
    hub_.notify(poll_events(true) | poll_events(false));
}

Result<size_t> Pipe::read(ostd::VmWriter& out, bool nonblock) {
    if (out.remaining() == 0) return size_t(0);
    for (;;) {
        size_t copied = 0;
        {
            ostd::MutexGuard g(lock_);
            size_t avail = count_.load();
            if (avail == 0) {
                if (writers_.load() == 0) return size_t(0);
                if (nonblock) return Error(EAGAIN, "pipe empty");
            } else {
                size_t cap = buf_.size();
                size_t want = avail < out.remaining() ? avail : out.remaining();
                size_t first = cap - head_ < want ? cap - head_ : want;
                size_t c1 = 0, c2 = 0;
                auto r = out.write({buf_.data() + head_, first}, &c1);
                if (r.is_ok()) {
                    c1 = first;
                    if (first < want) {
                        auto r2 = out.write({buf_.data(), want - first}, &c2);
                        if (r2.is_ok())
                            c2 = want - first;
                        else
                            r = r2.release_error();
                    }
                }
                copied = c1 + c2;
                if (copied == 0) return r.release_error();
                head_ = (head_ + copied) % cap;
                count_ = avail - copied;
            }
        }
        if (copied) {
            write_wq_.wake_all();
            hub_.notify(pl::kOut);
            return copied;
        }
        auto w = read_wq_.wait_until([this] { return count_.load() > 0 || writers_.load() == 0; },
                                     kIntr);
        if (w.is_error()) return restart_error(w.error());
    }
}

Result<size_t> Pipe::write(ostd::VmReader& in, bool nonblock) {
    size_t total = in.remaining();
    if (total == 0) return size_t(0);
    size_t done = 0;
    for (;;) {
        bool progressed = false;
        {
            ostd::MutexGuard g(lock_);
            if (readers_.load() == 0) {
                if (done) return done;
                return Error(EPIPE, "no readers");
            }
            if (buf_.is_empty()) {
                auto grown = buf_.resize(capacity_.load());
                if (grown.is_error()) {
                    if (done) return done;
                    return grown.release_error();
                }
            }
            size_t cap = buf_.size();
            size_t space = cap - count_.load();
            size_t left = total - done;
            // Atomic writes (<= PIPE_BUF) go in whole or wait.
            bool atomic = total <= kPipeBuf;
            if (space > 0 && (!atomic || space >= left)) {
                size_t n = left < space ? left : space;
                size_t tail = (head_ + count_.load()) % cap;
                size_t first = cap - tail < n ? cap - tail : n;
                size_t c1 = 0, c2 = 0;
                auto r = in.read({buf_.data() + tail, first}, &c1);
                if (r.is_ok()) {
                    c1 = first;
                    if (first < n) {
                        auto r2 = in.read({buf_.data(), n - first}, &c2);
                        if (r2.is_ok())
                            c2 = n - first;
                        else
                            r = r2.release_error();
                    }
                }
                count_ = count_.load() + c1 + c2;
                done += c1 + c2;
                progressed = c1 + c2 > 0;
                if (r.is_error() && done == 0) return r.release_error();
                if (r.is_error()) break;
            }
            if (done == total) break;
            if (nonblock) {
                if (done) break;
                return Error(EAGAIN, "pipe full");
            }
        }
        if (progressed) {
            read_wq_.wake_all();
            hub_.notify(pl::kIn);
        }
        size_t need = total <= kPipeBuf ? total - done : 1;
        auto w = write_wq_.wait_until(
            [this, need] {
                return readers_.load() == 0 || capacity_.load() - count_.load() >= need;
            },
            kIntr);
        if (w.is_error()) {
            if (done) return done;
            return restart_error(w.error());
        }
    }
    read_wq_.wake_all();
    hub_.notify(pl::kIn);
    return done;
}

uint32_t Pipe::poll_events(bool reader) {
    uint32_t ev = 0;
    if (reader) {
        if (count_.load() > 0) ev |= pl::kIn | pl::kRdnorm;
        if (writers_.load() == 0 && w_opens_.load() > 0) ev |= pl::kHup;
    } else {
        if (capacity_.load() - count_.load() >= kPipeBuf || count_.load() == 0)
            ev |= pl::kOut | pl::kWrnorm;
        if (readers_.load() == 0) ev |= pl::kErr;
    }
    return ev;
}

Result<size_t> Pipe::resize(size_t size) {
    if (size > kPipeMaxSize) return Error(EPERM, "above pipe-max-size");
    size_t n = 4096;
    while (n < size)
        n *= 2;
    ostd::Vector<std::byte> fresh;
    TRY(fresh.resize(n));
    {
        ostd::MutexGuard g(lock_);
        size_t cnt = count_.load();
        if (cnt > n) return Error(EBUSY, "pipe holds more data than the new size");
        size_t cap = buf_.size();
        for (size_t i = 0; i < cnt; ++i)
            fresh[i] = buf_[(head_ + i) % cap];
        buf_ = std::move(fresh);
        head_ = 0;
        capacity_ = n;
    }
    wake_all_sides();
    return n;
}

void Pipe::add_reader() {
    readers_.fetch_add(1);
    r_opens_.fetch_add(1);
    open_wq_.wake_all();
    wake_all_sides();
}
void Pipe::add_writer() {
    writers_.fetch_add(1);
    w_opens_.fetch_add(1);
    open_wq_.wake_all();
    wake_all_sides();
}
void Pipe::drop_reader() {
    readers_.fetch_sub(1);
    wake_all_sides();
}
void Pipe::drop_writer() {
    writers_.fetch_sub(1);
    wake_all_sides();
}

Result<void> Pipe::wait_for_writer(uint64_t seen) {
    auto r = open_wq_.wait_until([&] { return w_opens_.load() != seen; }, kIntr);
    if (r.is_error()) return restart_error(r.error());
    return ostd::ok();
}

Result<void> Pipe::wait_for_reader(uint64_t seen) {
    auto r = open_wq_.wait_until([&] { return r_opens_.load() != seen; }, kIntr);
    if (r.is_error()) return restart_error(r.error());
    return ostd::ok();
}

namespace {

class PipeFile final : public File {
public:
    PipeFile(const Path* path, ostd::RefPtr<Inode> inode, uint32_t flags, Ref<Pipe> pipe)
        : File(path, std::move(inode), flags), pipe_(std::move(pipe)) {
        if (is_readable()) pipe_->add_reader();
        if (is_writable()) pipe_->add_writer();
    }
    ~PipeFile() override {
        if (is_readable()) pipe_->drop_reader();
        if (is_writable()) pipe_->drop_writer();
    }
    Result<size_t> read(ostd::VmWriter& out) override { return pipe_->read(out, is_nonblocking()); }
    Result<size_t> write(ostd::VmReader& in) override { return pipe_->write(in, is_nonblocking()); }
    Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, IoctlIo& io) override {
        if (cmd != kFionread) return Error(ENOTTY);
        int32_t n = int32_t(pipe_->bytes_available());
        TRY(io.copy_out(arg, std::as_bytes(std::span<const int32_t>(&n, 1))));
        return 0;
    }
    uint32_t poll_events() override {
        uint32_t ev = 0;
        if (is_readable()) ev |= pipe_->poll_events(true);
        if (is_writable()) ev |= pipe_->poll_events(false);
        return ev;
    }
    PollHub* poll_hub() override { return &pipe_->hub(); }
    Result<int64_t> pipe_size(int64_t new_size) override {
        if (new_size < 0) return int64_t(pipe_->capacity());
        return int64_t(TRY(pipe_->resize(size_t(new_size))));
    }

private:
    Ref<Pipe> pipe_;
};

}  // namespace

Result<PipeEnds> create_pipe(uint32_t flags) {
    if (flags & ~(o::kNonblock | o::kCloexec | o::kDirect)) return Error(EINVAL, "bad pipe2 flags");
    Ref<Pipe> p = TRY(Pipe::create());
    uint32_t st = flags & (o::kNonblock | o::kDirect);
    Ref<File> r =
        Ref<File>(TRY(ostd::try_make_ref<PipeFile>(nullptr, nullptr, o::kRdonly | st, p)));
    Ref<File> w =
        Ref<File>(TRY(ostd::try_make_ref<PipeFile>(nullptr, nullptr, o::kWronly | st, p)));
    return PipeEnds{std::move(r), std::move(w)};
}

Result<Ref<File>> open_fifo(const Path& path, uint32_t flags) {
    Ref<Pipe> pipe = TRY(path.inode().fifo_pipe());
    uint32_t acc = flags & o::kAccmode;
    bool nonblock = flags & o::kNonblock;
    if (acc == o::kWronly && nonblock && pipe->readers() == 0)
        return Error(ENXIO, "FIFO has no readers");
    uint64_t seen_w = pipe->writer_opens(), seen_r = pipe->reader_opens();
    Ref<File> f =
        Ref<File>(TRY(ostd::try_make_ref<PipeFile>(&path, path.dentry->inode_ref(), flags, pipe)));
    if (acc == o::kRdonly && !nonblock && pipe->writers() == 0) TRY(pipe->wait_for_writer(seen_w));
    if (acc == o::kWronly && pipe->readers() == 0) TRY(pipe->wait_for_reader(seen_r));
    return f;
}

}  // namespace kernel::fs
