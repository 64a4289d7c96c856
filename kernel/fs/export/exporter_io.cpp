// Exporter, part two: open handles (open, create, opendir, read, write, readdir, fsync,
// release) and extended attributes. Handles are descriptors in the exporter's FdTable.
#include <kernel/fs/export/exporter.h>
#include <kernel/fs/export/exporter_internal.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/file.h>
#include <kernel/fs/vfs.h>

namespace kernel::fs::exporter {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;

namespace {
constexpr int kFdcwd = abi::at::kFdcwd;
// open(2) flags a client may pass through; creation flags are handled by create().
constexpr uint32_t kOpenPassed = o::kAccmode | o::kAppend | o::kNonblock | o::kTrunc |
                                 o::kNofollow | o::kDirectory | o::kNoatime | o::kSync | o::kDsync |
                                 o::kDirect;
}  // namespace

vfs::Caller Exporter::fd_caller() const {
    return vfs::Caller{*fd_fs_, root_creds_, *fds_, kMaxHandles, 0, 0};
}

Result<int> Exporter::open(const RequestCreds& rc, uint64_t node, uint32_t flags) {
    Path p = TRY(nodes_.get(node));
    if (options_.read_only && (flags & o::kAccmode) != o::kRdonly)
        return Error(EROFS, "exported read-only");
    Split sp = TRY(split(p));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    uint32_t f = (flags & kOpenPassed) | o::kCloexec;
    if (!p.inode().is_dir()) f |= o::kNofollow;
    int fd = TRY(vfs::open_at(s.caller(), kFdcwd, sp.name.view(), f, 0));
    handles_.fetch_add(1, std::memory_order_relaxed);
    return fd;
}

Result<Exporter::Created> Exporter::create(const RequestCreds& rc, uint64_t parent,
                                           std::string_view name, uint32_t mode, uint32_t flags) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    uint32_t f = (flags & (kOpenPassed | o::kExcl)) | o::kCreat | o::kCloexec | o::kNofollow;
    int fd = TRY(vfs::open_at(s.caller(), kFdcwd, name, f, mode & 07777));
    handles_.fetch_add(1, std::memory_order_relaxed);
    Ref<File> file = MUST(fds_->get(fd));
    auto e = entry_for(*file->path());
    if (e.is_error()) {
        (void)release(fd);
        return e.error();
    }
    return Created{e.value(), fd};
}

Result<int> Exporter::opendir(const RequestCreds& rc, uint64_t node) {
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(node))));
    int fd =
        TRY(vfs::open_at(s.caller(), kFdcwd, ".", o::kRdonly | o::kDirectory | o::kCloexec, 0));
    handles_.fetch_add(1, std::memory_order_relaxed);
    return fd;
}

Result<size_t> Exporter::read(int fh, std::span<std::byte> buf, int64_t offset) {
    auto w = ostd::VmWriter::from_kernel(buf);
    return vfs::pread(fd_caller(), fh, w, offset);
}

Result<size_t> Exporter::write(int fh, std::span<const std::byte> buf, int64_t offset) {
    TRY(check_writable());
    auto r = ostd::VmReader::from_kernel(buf);
    return vfs::pwrite(fd_caller(), fh, r, offset);
}

Result<size_t> Exporter::readdir(int fh, int64_t offset, DirSink sink, void* ctx) {
    vfs::Caller c = fd_caller();
    TRY(vfs::lseek(c, fh, offset, abi::seek::kSet));
    alignas(8) std::byte buf[4096];
    size_t emitted = 0;
    for (;;) {
        auto w = ostd::VmWriter::from_kernel(std::span<std::byte>(buf, sizeof buf));
        size_t n = TRY(vfs::getdents(c, fh, w));
        if (n == 0) return emitted;
        for (size_t at = 0; at < n;) {
            abi::LinuxDirent64 d;
            __builtin_memcpy(&d, buf + at, abi::kDirentNameOffset);
            const char* name = static_cast<const char*>(static_cast<const void*>(buf + at)) +
                               abi::kDirentNameOffset;
            std::string_view nv(name, __builtin_strlen(name));
            if (!sink(ctx, DirEntry{nv, d.d_ino, d.d_type, d.d_off})) {
                // Put the directory back where the client will resume (this entry).
                int64_t resume = d.d_off - 1;  // d_off is the entry's index + 1
                TRY(vfs::lseek(c, fh, resume, abi::seek::kSet));
                return emitted;
            }
            ++emitted;
            at += d.d_reclen;
        }
    }
}

Result<void> Exporter::fsync(int fh) {
    return vfs::fsync(fd_caller(), fh);
}

Result<void> Exporter::fallocate(int fh, int mode, int64_t offset, int64_t len) {
    TRY(check_writable());
    return vfs::fallocate(fd_caller(), fh, mode, offset, len);
}

Result<size_t> Exporter::copy_file_range(int fh_in, int64_t off_in, int fh_out, int64_t off_out,
                                         size_t len) {
    TRY(check_writable());
    return vfs::copy_file_range(fd_caller(), fh_in, &off_in, fh_out, &off_out, len);
}

Result<void> Exporter::release(int fh) {
    TRY(vfs::close(fd_caller(), fh));
    handles_.fetch_sub(1, std::memory_order_relaxed);
    return ostd::ok();
}

// ---- xattrs ----

Result<size_t> Exporter::getxattr(const RequestCreds& rc, uint64_t node, std::string_view name,
                                  std::span<std::byte> out) {
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    auto w = ostd::VmWriter::from_kernel(out);
    return vfs::getxattr(s.caller(), sp.name.view(), false, name, out.empty() ? nullptr : &w);
}

Result<void> Exporter::setxattr(const RequestCreds& rc, uint64_t node, std::string_view name,
                                std::span<const std::byte> value, int flags) {
    TRY(check_writable());
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    return vfs::setxattr(s.caller(), sp.name.view(), false, name, value, flags);
}

Result<size_t> Exporter::listxattr(const RequestCreds& rc, uint64_t node,
                                   std::span<std::byte> out) {
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    auto w = ostd::VmWriter::from_kernel(out);
    return vfs::listxattr(s.caller(), sp.name.view(), false, out.empty() ? nullptr : &w);
}

Result<void> Exporter::removexattr(const RequestCreds& rc, uint64_t node, std::string_view name) {
    TRY(check_writable());
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    return vfs::removexattr(s.caller(), sp.name.view(), false, name);
}

void Exporter::sync() {
    // What sync(2) does here (kernel/syscall/fs_attr.cpp sys_sync): the mounted file systems
    // (tmpfs, devtmpfs, procfs) keep everything in memory, so there is nothing to write back.
    // A disk-backed file system would be flushed here before the machine powers off.
}

}  // namespace kernel::fs::exporter
