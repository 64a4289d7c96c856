// Data paths: read/write (positional or not), lseek, getdents, fsync, fcntl, ioctl, sendfile
// and copy_file_range.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/vfs_internal.h>
#include <ostd/task/preempt.h>

namespace kernel::fs::vfs {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;
namespace fc = abi::fcntl;

Result<size_t> read(const Caller& c, int fd, ostd::VmWriter& out) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->is_readable()) return Error(EBADF, "fd not open for reading");
    return f->read(out);
}

Result<size_t> write(const Caller& c, int fd, ostd::VmReader& in) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->is_writable()) return Error(EBADF, "fd not open for writing");
    return f->write(in);
}

Result<size_t> pread(const Caller& c, int fd, ostd::VmWriter& out, int64_t offset) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->is_readable()) return Error(EBADF, "fd not open for reading");
    if (offset < 0) return Error(EINVAL, "negative offset");
    return f->pread(out, uint64_t(offset));
}

Result<size_t> pwrite(const Caller& c, int fd, ostd::VmReader& in, int64_t offset) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (!f->is_writable()) return Error(EBADF, "fd not open for writing");
    if (offset < 0) return Error(EINVAL, "negative offset");
    return f->pwrite(in, uint64_t(offset));
}

Result<int64_t> lseek(const Caller& c, int fd, int64_t offset, int whence) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (f->is_path_only()) return Error(EBADF);
    return f->seek(offset, whence);
}

Result<size_t> getdents(const Caller& c, int fd, ostd::VmWriter& out) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (f->is_path_only()) return Error(EBADF);
    return f->getdents(out);
}

Result<void> fsync(const Caller& c, int fd) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (f->is_path_only()) return Error(EBADF);
    return f->fsync();
}

Result<int64_t> fcntl(const Caller& c, int fd, int cmd, uint64_t arg) {
    Ref<File> f = TRY(c.fds.get(fd));
    switch (cmd) {
        case fc::kDupfd:
        case fc::kDupfdCloexec:
            if (arg >= c.nofile_limit || arg > uint64_t(INT32_MAX))
                return Error(EINVAL, "fd floor");
            return int64_t(TRY(c.fds.dup(
                fd, int(arg), cmd == fc::kDupfdCloexec ? CloseOnExec::kYes : CloseOnExec::kNo,
                c.nofile_limit)));
        case fc::kGetfd:
            return TRY(c.fds.cloexec(fd)) ? fc::kFdCloexec : 0;
        case fc::kSetfd:
            TRY(c.fds.set_cloexec(fd,
                                  (arg & fc::kFdCloexec) ? CloseOnExec::kYes : CloseOnExec::kNo));
            return 0;
        case fc::kGetfl:
            return int64_t(f->flags());
        case fc::kSetfl:
            if (f->is_path_only()) return Error(EBADF);
            f->set_status_flags(uint32_t(arg));
            return 0;
        case fc::kGetpipeSz:
            return f->pipe_size(-1);
        case fc::kSetpipeSz:
            if (arg > uint64_t(INT32_MAX)) return Error(EINVAL);
            return f->pipe_size(int64_t(arg));
        default:
            return Error(EINVAL, "fcntl command not supported");
    }
}

Result<void> record_lock(const Caller& c, int fd, int cmd, abi::Flock& fl) {
    Ref<File> f = TRY(c.fds.get(fd));
    if (f->is_path_only() || !f->inode()) return Error(EBADF);
    LockType type;
    switch (fl.l_type) {
        case fc::kRdlck:
            type = LockType::kRead;
            break;
        case fc::kWrlck:
            type = LockType::kWrite;
            break;
        case fc::kUnlck:
            type = LockType::kUnlock;
            break;
        default:
            return Error(EINVAL, "bad l_type");
    }
    int64_t base;
    switch (fl.l_whence) {
        case abi::seek::kSet:
            base = 0;
            break;
        case abi::seek::kCur:
            base = int64_t(f->offset());
            break;
        case abi::seek::kEnd:
            base = int64_t(f->inode()->size());
            break;
        default:
            return Error(EINVAL, "bad l_whence");
    }
    int64_t start, end;
    if (__builtin_add_overflow(base, fl.l_start, &start)) return Error(EOVERFLOW);
    if (fl.l_len > 0) {
        if (__builtin_add_overflow(start, fl.l_len - 1, &end)) return Error(EOVERFLOW);
    } else if (fl.l_len < 0) {
        end = start - 1;
        start += fl.l_len;
    } else {
        end = INT64_MAX;
    }
    if (start < 0) return Error(EINVAL, "lock starts before the file");
    RecordLock want{uint64_t(start), end == INT64_MAX ? UINT64_MAX : uint64_t(end), type,
                    c.lock_owner};
    FileLocks& locks = f->inode()->record_locks();
    if (cmd == fc::kGetlk) {
        if (type == LockType::kUnlock) return Error(EINVAL);
        RecordLock other;
        if (!locks.find_conflict(want, &other)) {
            fl.l_type = fc::kUnlck;
            return ostd::ok();
        }
        fl.l_type = other.type == LockType::kWrite ? fc::kWrlck : fc::kRdlck;
        fl.l_whence = abi::seek::kSet;
        fl.l_start = int64_t(other.start);
        fl.l_len = other.end == UINT64_MAX ? 0 : int64_t(other.end - other.start + 1);
        fl.l_pid = int32_t(other.owner);
        return ostd::ok();
    }
    if (type == LockType::kRead && !f->is_readable())
        return Error(EBADF, "read lock needs read access");
    if (type == LockType::kWrite && !f->is_writable())
        return Error(EBADF, "write lock needs write access");
    return locks.set(want, cmd == fc::kSetlkw);
}

Result<int64_t> ioctl(const Caller& c, int fd, uint32_t cmd, uint64_t arg, IoctlIo& io) {
    constexpr uint32_t kFionclex = 0x5450, kFioclex = 0x5451;
    Ref<File> f = TRY(c.fds.get(fd));
    if (f->is_path_only()) return Error(EBADF);
    switch (cmd) {
        case kFioclex:
            TRY(c.fds.set_cloexec(fd, CloseOnExec::kYes));
            return 0;
        case kFionclex:
            TRY(c.fds.set_cloexec(fd, CloseOnExec::kNo));
            return 0;
        case kFionbio: {
            int32_t on = 0;
            TRY(io.copy_in(arg, std::as_writable_bytes(std::span<int32_t>(&on, 1))));
            uint32_t fl = f->flags();
            f->set_status_flags(on ? (fl | o::kNonblock) : (fl & ~o::kNonblock));
            return 0;
        }
        default:
            return f->ioctl(cmd, arg, io);
    }
}

namespace {

constexpr size_t kBounce = 16384;

/// Moves up to `count` bytes from `in` to `out` through a kernel buffer. `in_off`/`out_off`
/// null: use (and advance) the file offsets.
Result<size_t> pump(File& in, int64_t* in_off, File& out, int64_t* out_off, size_t count) {
    ostd::Vector<std::byte> buf;
    TRY(buf.resize(kBounce));
    size_t total = 0;
    while (total < count) {
        ostd::preempt_point();  // up to 2 GiB a call: a long kernel loop (cond_resched in Linux)
        size_t want = count - total < kBounce ? count - total : kBounce;
        ostd::VmWriter w = ostd::VmWriter::from_kernel({buf.data(), want});
        Result<size_t> got = in_off ? in.pread(w, uint64_t(*in_off)) : in.read(w);
        if (got.is_error()) {
            if (total) break;
            return got.release_error();
        }
        size_t n = got.value();
        if (n == 0) break;
        ostd::VmReader r = ostd::VmReader::from_kernel({buf.data(), n});
        Result<size_t> put = out_off ? out.pwrite(r, uint64_t(*out_off)) : out.write(r);
        if (put.is_error()) {
            if (total) break;
            return put.release_error();
        }
        size_t m = put.value();
        if (in_off)
            *in_off += int64_t(m);
        else if (m < n)
            (void)in.seek(-int64_t(n - m), abi::seek::kCur);
        if (out_off) *out_off += int64_t(m);
        total += m;
        if (m < n || n < want) break;
    }
    return total;
}

}  // namespace

Result<size_t> sendfile(const Caller& c, int out_fd, int in_fd, int64_t* offset, size_t count) {
    Ref<File> in = TRY(c.fds.get(in_fd));
    Ref<File> out = TRY(c.fds.get(out_fd));
    if (!in->is_readable() || !out->is_writable()) return Error(EBADF, "sendfile fd modes");
    if (out->flags() & o::kAppend) return Error(EINVAL, "sendfile to an O_APPEND file");
    if (offset && *offset < 0) return Error(EINVAL, "negative offset");
    if (count == 0) return size_t(0);
    return pump(*in, offset, *out, nullptr, count);
}

Result<size_t> copy_file_range(const Caller& c, int in_fd, int64_t* in_off, int out_fd,
                               int64_t* out_off, size_t count) {
    Ref<File> in = TRY(c.fds.get(in_fd));
    Ref<File> out = TRY(c.fds.get(out_fd));
    if (!in->is_readable() || !out->is_writable()) return Error(EBADF, "copy_file_range modes");
    if (out->flags() & o::kAppend) return Error(EBADF, "copy_file_range to an O_APPEND file");
    if (!in->inode() || !out->inode()) return Error(EINVAL, "copy_file_range needs files");
    if (in->inode()->is_dir() || out->inode()->is_dir()) return Error(EISDIR);
    if (in->inode()->type() != FileType::kRegular || out->inode()->type() != FileType::kRegular)
        return Error(EINVAL, "copy_file_range needs regular files");
    if ((in_off && *in_off < 0) || (out_off && *out_off < 0)) return Error(EINVAL);
    if (in->inode() == out->inode()) {
        int64_t a = in_off ? *in_off : int64_t(in->offset());
        int64_t b = out_off ? *out_off : int64_t(out->offset());
        if (a < b + int64_t(count) && b < a + int64_t(count))
            return Error(EINVAL, "overlapping ranges in one file");
    }
    if (count == 0) return size_t(0);
    return pump(*in, in_off, *out, out_off, count);
}

Result<FdPair> pipe2(const Caller& c, uint32_t flags) {
    PipeEnds ends = TRY(create_pipe(flags));
    CloseOnExec ce = (flags & o::kCloexec) ? CloseOnExec::kYes : CloseOnExec::kNo;
    int r = TRY(c.fds.install(std::move(ends.read), ce, c.nofile_limit));
    auto w = c.fds.install(std::move(ends.write), ce, c.nofile_limit);
    if (w.is_error()) {
        (void)c.fds.close(r);
        return w.release_error();
    }
    return FdPair{r, w.value()};
}

}  // namespace kernel::fs::vfs
