// FUSE operations on open files and directories (open, create, read, write, flush, release,
// fsync, opendir, readdir(plus), releasedir), statfs and extended attributes. The file handle
// is the descriptor number in the Exporter's table.
#include <cstring>
#include <string>

#include "fuse_ops_common.h"

namespace orrery::harness::fuse_detail {
namespace {

// ---- Open files ----

// Files that report size 0 (procfs, new files) are read around the page cache, which would
// otherwise trust the size and return nothing.
void set_io_mode(fuse_file_info* fi, int64_t size) {
    fi->direct_io = size == 0;
    fi->keep_cache = 0;
}

void op_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    Creds c(req);
    int fd = -1;
    int64_t size = 0;
    int err = call([&](Exporter& e) {
        auto r = e.open(c.rc, ino, uint32_t(fi->flags));
        if (r.is_error()) return errno_of(r.error());
        fd = r.value();
        if (auto st = e.getattr(ino); st.is_ok()) size = st.value().st_size;
        return 0;
    });
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = uint64_t(fd);
    set_io_mode(fi, size);
    if (fuse_reply_open(req, fi) == -ENOENT)  // interrupted: the client will not release it
        call([&](Exporter& e) { return e.release(fd).is_error() ? EBADF : 0; });
}

void op_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode,
               fuse_file_info* fi) {
    Creds c(req);
    Exporter::Created out{};
    int err = call([&](Exporter& e) {
        auto r = e.create(c.rc, parent, name, mode, uint32_t(fi->flags));
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = uint64_t(out.fh);
    set_io_mode(fi, out.entry.attr.st_size);
    fuse_entry_param p = to_entry(out.entry);
    if (fuse_reply_create(req, &p, fi) == -ENOENT)
        call([&](Exporter& e) {
            e.forget(out.entry.node, 1);
            return e.release(out.fh).is_error() ? EBADF : 0;
        });
}

void op_read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
    std::span<std::byte> buf = scratch(size);
    size_t n = 0;
    int err = call([&](Exporter& e) {
        auto r = e.read(int(fi->fh), buf, off);
        if (r.is_error()) return errno_of(r.error());
        n = r.value();
        return 0;
    });
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_buf(req, reinterpret_cast<const char*>(buf.data()), n);
}

void op_write(fuse_req_t req, fuse_ino_t, const char* data, size_t size, off_t off,
              fuse_file_info* fi) {
    size_t n = 0;
    auto bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size);
    int err = call([&](Exporter& e) {
        auto r = e.write(int(fi->fh), bytes, off);
        if (r.is_error()) return errno_of(r.error());
        n = r.value();
        return 0;
    });
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_write(req, n);
}

void op_flush(fuse_req_t req, fuse_ino_t, fuse_file_info*) {
    // close(2) of one of several descriptors: the kernel's file stays open until release.
    fuse_reply_err(req, 0);
}

void op_release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    reply_status(req, [&](Exporter& e) { return e.release(int(fi->fh)); });
}

void op_fsync(fuse_req_t req, fuse_ino_t, int, fuse_file_info* fi) {
    reply_status(req, [&](Exporter& e) { return e.fsync(int(fi->fh)); });
}

void op_fallocate(fuse_req_t req, fuse_ino_t, int mode, off_t offset, off_t length,
                  fuse_file_info* fi) {
    reply_status(req, [&](Exporter& e) { return e.fallocate(int(fi->fh), mode, offset, length); });
}

void op_copy_file_range(fuse_req_t req, fuse_ino_t, off_t off_in, fuse_file_info* fi_in, fuse_ino_t,
                        off_t off_out, fuse_file_info* fi_out, size_t len, int flags) {
    if (flags != 0) {
        fuse_reply_err(req, EINVAL);
        return;
    }
    size_t n = 0;
    int err = call([&](Exporter& e) {
        auto r = e.copy_file_range(int(fi_in->fh), off_in, int(fi_out->fh), off_out, len);
        if (r.is_error()) return errno_of(r.error());
        n = r.value();
        return 0;
    });
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_write(req, n);
}

void op_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    Creds c(req);
    int fd = -1;
    int err = call([&](Exporter& e) {
        auto r = e.opendir(c.rc, ino);
        if (r.is_error()) return errno_of(r.error());
        fd = r.value();
        return 0;
    });
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = uint64_t(fd);
    if (fuse_reply_open(req, fi) == -ENOENT)
        call([&](Exporter& e) { return e.release(fd).is_error() ? EBADF : 0; });
}

struct DirFill {
    fuse_req_t req;
    Exporter* ex;
    const ex::RequestCreds* rc;
    fuse_ino_t dir;
    bool plus;
    std::vector<char> buf;
    size_t used = 0;
};

bool fill_one(void* p, const ex::DirEntry& d) {
    auto& f = *static_cast<DirFill*>(p);
    size_t room = f.buf.size() - f.used;
    char* at = f.buf.data() + f.used;
    if (!f.plus) {
        struct stat st {};
        st.st_ino = d.ino;
        st.st_mode = d.type << 12;
        size_t need = fuse_add_direntry(f.req, at, room, d.name.data(), &st, d.next);
        if (need > room) return false;
        f.used += need;
        return true;
    }
    size_t need = fuse_add_direntry_plus(f.req, nullptr, 0, d.name.data(), nullptr, 0);
    if (need > room) return false;
    fuse_entry_param e{};
    e.attr.st_ino = d.ino;
    e.attr.st_mode = d.type << 12;
    bool dots = d.name == "." || d.name == "..";
    if (!dots) {
        auto r = f.ex->lookup(*f.rc, f.dir, d.name);
        if (r.is_ok()) e = to_entry(r.value());  // a vanished entry goes out without attributes
    }
    f.used += fuse_add_direntry_plus(f.req, at, room, d.name.data(), &e, d.next);
    return true;
}

void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi,
                bool plus) {
    Creds c(req);
    DirFill f{req, nullptr, &c.rc, ino, plus, std::vector<char>(size)};
    int err = call([&](Exporter& e) {
        f.ex = &e;
        auto r = e.readdir(int(fi->fh), off, &fill_one, &f);
        return r.is_error() && f.used == 0 ? errno_of(r.error()) : 0;
    });
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_buf(req, f.buf.data(), f.used);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    do_readdir(req, ino, size, off, fi, false);
}

void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    do_readdir(req, ino, size, off, fi, true);
}

void op_releasedir(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
    reply_status(req, [&](Exporter& e) { return e.release(int(fi->fh)); });
}

void op_fsyncdir(fuse_req_t req, fuse_ino_t, int, fuse_file_info* fi) {
    reply_status(req, [&](Exporter& e) { return e.fsync(int(fi->fh)); });
}

void op_statfs(fuse_req_t req, fuse_ino_t ino) {
    Creds c(req);
    kernel::abi::Statfs s{};
    int err = call([&](Exporter& e) {
        auto r = e.statfs(c.rc, ino);
        if (r.is_error()) return errno_of(r.error());
        s = r.value();
        return 0;
    });
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    struct statvfs v {};
    v.f_bsize = uint64_t(s.f_bsize);
    v.f_frsize = uint64_t(s.f_frsize ? s.f_frsize : s.f_bsize);
    v.f_blocks = s.f_blocks;
    v.f_bfree = s.f_bfree;
    v.f_bavail = s.f_bavail;
    v.f_files = s.f_files;
    v.f_ffree = s.f_ffree;
    v.f_favail = s.f_ffree;
    v.f_namemax = uint64_t(s.f_namelen);
    fuse_reply_statfs(req, &v);
}

// ---- xattrs ----

void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
                 int flags) {
    Creds c(req);
    auto v = std::span<const std::byte>(reinterpret_cast<const std::byte*>(value), size);
    reply_status(req, [&](Exporter& e) { return e.setxattr(c.rc, ino, name, v, flags); });
}

// getxattr/listxattr: size 0 asks for the size (fuse_reply_xattr), else the data or ERANGE.
template <typename F>
void reply_xattr(fuse_req_t req, size_t size, F&& fn) {
    std::vector<std::byte> buf(size);
    size_t n = 0;
    int err = call([&](Exporter& e) {
        auto r = fn(e, std::span<std::byte>(buf));
        if (r.is_error()) return errno_of(r.error());
        n = r.value();
        return 0;
    });
    if (err)
        fuse_reply_err(req, err);
    else if (size == 0)
        fuse_reply_xattr(req, n);
    else
        fuse_reply_buf(req, reinterpret_cast<const char*>(buf.data()), n);
}

void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
    Creds c(req);
    reply_xattr(req, size, [&](Exporter& e, std::span<std::byte> out) {
        return e.getxattr(c.rc, ino, name, out);
    });
}

void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    Creds c(req);
    reply_xattr(req, size,
                [&](Exporter& e, std::span<std::byte> out) { return e.listxattr(c.rc, ino, out); });
}

void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
    Creds c(req);
    reply_status(req, [&](Exporter& e) { return e.removexattr(c.rc, ino, name); });
}

}  // namespace

void add_io_ops(fuse_lowlevel_ops& o) {
    o.open = op_open;
    o.read = op_read;
    o.write = op_write;
    o.flush = op_flush;
    o.release = op_release;
    o.fsync = op_fsync;
    o.opendir = op_opendir;
    o.readdir = op_readdir;
    o.readdirplus = op_readdirplus;
    o.releasedir = op_releasedir;
    o.fsyncdir = op_fsyncdir;
    o.statfs = op_statfs;
    o.setxattr = op_setxattr;
    o.getxattr = op_getxattr;
    o.listxattr = op_listxattr;
    o.removexattr = op_removexattr;
    o.create = op_create;
    o.fallocate = op_fallocate;
    o.copy_file_range = op_copy_file_range;
}

}  // namespace orrery::harness::fuse_detail
