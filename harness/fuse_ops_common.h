// Shared pieces of the FUSE operations: request credentials, stat conversion, and the
// call-into-the-kernel helpers that turn kernel errors into FUSE replies.
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <span>
#include <vector>

#include <kernel/fs/export/exporter.h>

#include "fuse_ops.h"
#include "kernel_call.h"

namespace orrery::harness::fuse_detail {

namespace ex = kernel::fs::exporter;
using ex::Exporter;

inline constexpr double kTimeout = 1.0;  // entry/attribute cache seconds

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

inline struct stat to_host(const kernel::abi::Stat& s) {
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

inline fuse_entry_param to_entry(const ex::EntryOut& e) {
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

inline int errno_of(const ostd::Error& e) {
    return ex::client_errno(e);
}

// A per-thread buffer for read replies (not zero-filled each time, unlike a fresh vector).
inline std::span<std::byte> scratch(size_t n) {
    thread_local std::vector<std::byte> buf;
    if (buf.size() < n) buf.resize(n);
    return std::span<std::byte>(buf.data(), n);
}

inline void reply_entry(fuse_req_t req, int err, const ex::EntryOut& e) {
    if (err) {
        fuse_reply_err(req, err);
        return;
    }
    fuse_entry_param p = to_entry(e);
    if (fuse_reply_entry(req, &p) == -ENOENT)  // interrupted: the client took no reference
        call([&](Exporter& x) {
            x.forget(e.node, 1);
            return 0;
        });
}

template <typename F>
void reply_status(fuse_req_t req, F&& fn) {
    int err = call([&](Exporter& e) {
        auto r = fn(e);
        return r.is_error() ? errno_of(r.error()) : 0;
    });
    fuse_reply_err(req, err);
}

/// Fills the open-file, directory, statfs and xattr operations (fuse_io_ops.cpp).
void add_io_ops(fuse_lowlevel_ops& o);

}  // namespace orrery::harness::fuse_detail
