// libfuse3 low-level operations over kernel::fs::exporter::Exporter: connection setup, names
// and attributes (open files, directories, statfs and xattrs are in fuse_io_ops.cpp). Host code:
// runs on the FUSE worker threads; every kernel access happens inside run_in_kernel_task().
#include "fuse_ops.h"

#include <string>

#include "fuse_ops_common.h"

namespace orrery::harness {
namespace fuse_detail {
namespace {

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
        for (size_t i = 0; i < count; ++i)
            e.forget(forgets[i].ino, forgets[i].nlookup);
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

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
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
    if (err)
        fuse_reply_err(req, err);
    else
        fuse_reply_readlink(req, target.c_str());
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
    o.access = op_access;
    add_io_ops(o);
    return o;
}

}  // namespace
}  // namespace fuse_detail

const fuse_lowlevel_ops& fuse_operations() {
    static const fuse_lowlevel_ops ops = fuse_detail::make_ops();
    return ops;
}

}  // namespace orrery::harness
