// libfuse3 low-level operations over kernel::fs::exporter::Exporter. Host code: runs on the
// FUSE worker threads; every kernel access happens inside run_in_kernel_task().
#include "fuse_ops.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <kernel/fs/export/exporter.h>

#include "kernel_call.h"

namespace orrery::harness {
namespace {

namespace ex = kernel::fs::exporter;
using ex::Exporter;

constexpr double kTimeout = 1.0;  // entry/attribute cache seconds

// The request's credentials; supplementary groups are read for non-root callers.
struct Creds {
    ex::RequestCreds rc;
    gid_t groups[64];
    explicit Creds(fuse_req_t req) {
        const fuse_ctx* ctx = fuse_req_ctx(req);
        rc.uid = ctx->uid;
        rc.gid = ctx->gid;
        if (ctx->uid != 0) {
            int n = fuse_req_getgroups(req, 64, groups);
            if (n > 64) n = 64;
            if (n > 0) rc.groups = std::span<const kernel::Gid>(groups, size_t(n));
        }
    }
};

struct stat to_host(const kernel::abi::Stat& s) {
    struct stat st {};
    st.st_dev = s.st_dev;
    st.st_ino = s.st_ino;
    st.st_nlink = s.st_nlink;
    st.st_mode = s.st_mode;
    st.st_uid = s.st_uid;
    st.st_gid = s.st_gid;
    st.st_rdev = s.st_rdev;
    st.st_size = s.st_size;
    st.st_blksize = s.st_blksize;
    st.st_blocks = s.st_blocks;
    st.st_atim = {s.st_atim.tv_sec, s.st_atim.tv_nsec};
    st.st_mtim = {s.st_mtim.tv_sec, s.st_mtim.tv_nsec};
    st.st_ctim = {s.st_ctim.tv_sec, s.st_ctim.tv_nsec};
    return st;
}

fuse_entry_param to_entry(const ex::EntryOut& e) {
    fuse_entry_param p{};
    p.ino = e.node;
    p.attr = to_host(e.attr);
    p.attr_timeout = kTimeout;
    p.entry_timeout = kTimeout;
    return p;
}

// Runs `fn(exporter)` in the kernel; ENOTCONN when the machine no longer serves.
template <typename F>
int call(F&& fn) {
    int err = ENOTCONN;
    bool ran = run_in_kernel_task([&] {
        Exporter* e = Exporter::get();
        err = e ? fn(*e) : ENOTCONN;
    });
    return ran ? err : ENOTCONN;
}

int errno_of(const ostd::Error& e) { return ex::client_errno(e); }

// A per-thread buffer for read replies (not zero-filled each time, unlike a fresh vector).
std::span<std::byte> scratch(size_t n) {
    thread_local std::vector<std::byte> buf;
    if (buf.size() < n) buf.resize(n);
    return std::span<std::byte>(buf.data(), n);
}

void reply_entry(fuse_req_t req, int err, const ex::EntryOut& e) {
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fuse_entry_param p = to_entry(e);
    fuse_reply_entry(req, &p);
}

void op_init(void*, fuse_conn_info* conn) {
    if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
    if (conn->capable & FUSE_CAP_READDIRPLUS) conn->want |= FUSE_CAP_READDIRPLUS;
    conn->max_write = 1 << 20;
    conn->max_readahead = 1 << 20;
}

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    Creds c(req);
    ex::EntryOut out;
    int err = call([&](Exporter& e) {
        auto r = e.lookup(c.rc, parent, name);
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    reply_entry(req, err, out);
}

void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t n) {
    call([&](Exporter& e) {
        e.forget(ino, n);
        return 0;
    });
    fuse_reply_none(req);
}

void op_forget_multi(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
    call([&](Exporter& e) {
        for (size_t i = 0; i < count; ++i) e.forget(forgets[i].ino, forgets[i].nlookup);
        return 0;
    });
    fuse_reply_none(req);
}

void reply_attr(fuse_req_t req, int err, const kernel::abi::Stat& s) {
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    struct stat st = to_host(s);
    fuse_reply_attr(req, &st, kTimeout);
}

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
    kernel::abi::Stat s{};
    int err = call([&](Exporter& e) {
        auto r = e.getattr(ino);
        if (r.is_error()) return errno_of(r.error());
        s = r.value();
        return 0;
    });
    reply_attr(req, err, s);
}

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set,
                fuse_file_info* fi) {
    Creds c(req);
    ex::SetAttrIn in;
    in.valid = uint32_t(to_set);
    in.mode = attr->st_mode;
    in.uid = attr->st_uid;
    in.gid = attr->st_gid;
    in.size = uint64_t(attr->st_size);
    in.atime = {attr->st_atim.tv_sec, attr->st_atim.tv_nsec};
    in.mtime = {attr->st_mtim.tv_sec, attr->st_mtim.tv_nsec};
    int64_t fh = fi ? int64_t(fi->fh) : -1;
    kernel::abi::Stat s{};
    int err = call([&](Exporter& e) {
        auto r = e.setattr(c.rc, ino, in, fh);
        if (r.is_error()) return errno_of(r.error());
        s = r.value();
        return 0;
    });
    reply_attr(req, err, s);
}

void op_readlink(fuse_req_t req, fuse_ino_t ino) {
    Creds c(req);
    std::string target;
    int err = call([&](Exporter& e) {
        auto r = e.readlink(c.rc, ino);
        if (r.is_error()) return errno_of(r.error());
        target.assign(r.value().view());
        return 0;
    });
    if (err) fuse_reply_err(req, err);
    else fuse_reply_readlink(req, target.c_str());
}

void op_mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev) {
    Creds c(req);
    ex::EntryOut out;
    int err = call([&](Exporter& e) {
        auto r = e.mknod(c.rc, parent, name, mode, rdev);
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    reply_entry(req, err, out);
}

void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    Creds c(req);
    ex::EntryOut out;
    int err = call([&](Exporter& e) {
        auto r = e.mkdir(c.rc, parent, name, mode);
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    reply_entry(req, err, out);
}

void op_symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
    Creds c(req);
    ex::EntryOut out;
    int err = call([&](Exporter& e) {
        auto r = e.symlink(c.rc, target, parent, name);
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    reply_entry(req, err, out);
}

void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t new_parent, const char* new_name) {
    Creds c(req);
    ex::EntryOut out;
    int err = call([&](Exporter& e) {
        auto r = e.link(c.rc, ino, new_parent, new_name);
        if (r.is_error()) return errno_of(r.error());
        out = r.value();
        return 0;
    });
    reply_entry(req, err, out);
}

template <typename F>
void reply_status(fuse_req_t req, F&& fn) {
    int err = call([&](Exporter& e) {
        auto r = fn(e);
        return r.is_error() ? errno_of(r.error()) : 0;
    });
    fuse_reply_err(req, err);
}

void op_unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
    Creds c(req);
    reply_status(req, [&](Exporter& e) { return e.unlink(c.rc, parent, name); });
}

void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
    Creds c(req);
    reply_status(req, [&](Exporter& e) { return e.rmdir(c.rc, parent, name); });
}

void op_rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent,
               const char* new_name, unsigned int flags) {
    Creds c(req);
    reply_status(req, [&](Exporter& e) {
        return e.rename(c.rc, parent, name, new_parent, new_name, flags);
    });
}

void op_access(fuse_req_t req, fuse_ino_t ino, int mask) {
    Creds c(req);
    reply_status(req, [&](Exporter& e) { return e.access(c.rc, ino, mask); });
}

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
    if (err) fuse_reply_err(req, err);
    else fuse_reply_buf(req, reinterpret_cast<const char*>(buf.data()), n);
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
    if (err) fuse_reply_err(req, err);
    else fuse_reply_write(req, n);
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
    if (err) fuse_reply_err(req, err);
    else fuse_reply_buf(req, f.buf.data(), f.used);
}

void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
    do_readdir(req, ino, size, off, fi, false);
}

void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    fuse_file_info* fi) {
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
    if (err) fuse_reply_err(req, err);
    else if (size == 0) fuse_reply_xattr(req, n);
    else fuse_reply_buf(req, reinterpret_cast<const char*>(buf.data()), n);
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

fuse_lowlevel_ops make_ops() {
    fuse_lowlevel_ops o{};
    o.init = op_init;
    o.lookup = op_lookup;
    o.forget = op_forget;
    o.forget_multi = op_forget_multi;
    o.getattr = op_getattr;
    o.setattr = op_setattr;
    o.readlink = op_readlink;
    o.mknod = op_mknod;
    o.mkdir = op_mkdir;
    o.unlink = op_unlink;
    o.rmdir = op_rmdir;
    o.symlink = op_symlink;
    o.rename = op_rename;
    o.link = op_link;
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
    o.access = op_access;
    o.create = op_create;
    return o;
}

}  // namespace

const fuse_lowlevel_ops& fuse_operations() {
    static const fuse_lowlevel_ops ops = make_ops();
    return ops;
}

}  // namespace orrery::harness
