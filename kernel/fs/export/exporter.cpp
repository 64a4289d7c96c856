// Exporter: node-id operations mapped onto the vfs:: entry points. A Scope is a one-request
// caller (credentials from the request, a private FsContext whose cwd is the node or its parent)
// so names resolve relative to the node exactly as a syscall with a dirfd would.
#include <kernel/fs/export/exporter.h>
#include <kernel/fs/export/exporter_internal.h>

#include <optional>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/fs/file.h>
#include <kernel/fs/types.h>
#include <kernel/fs/vfs.h>

namespace kernel::fs::exporter {

using ostd::Error;
using ostd::Ref;
using ostd::Result;
namespace o = abi::open;

namespace {
constexpr int kFdcwd = abi::at::kFdcwd;
std::optional<ostd::Box<Exporter>> g_exporter;
}  // namespace

Result<Credentials> creds_of(const RequestCreds& rc) {
    Credentials c = Credentials::root();
    std::span<const Gid> groups = rc.groups;
    if (groups.size() > kMaxGroups) groups = groups.first(kMaxGroups);
    TRY(c.set_groups(groups));
    TRY(c.set_gid(rc.gid));
    TRY(c.set_uid(rc.uid));
    return c;
}

Result<Split> split(const Path& p) {
    if (p.inode().is_dir()) return Split{p, TRY(ostd::String::from("."))};
    ostd::MutexGuard g(tree_lock());
    Dentry* parent = p.dentry->parent();
    if (p.dentry->is_dead()) return Error(ENOENT, "node was removed");
    if (!parent || p.mnt->root().ptr() == p.dentry.ptr())
        return Error(EINVAL, "a non-directory mount root has no name");
    return Split{Path{p.mnt, Ref<Dentry>(*parent)}, TRY(ostd::String::from(p.dentry->name()))};
}

Result<Scope> Scope::make(Exporter& ex, const RequestCreds& rc, const Path& cwd) {
    Credentials creds = TRY(creds_of(rc));
    Ref<FsContext> fs = TRY(FsContext::create(ex.ns_));
    fs->set_cwd(cwd);
    return Scope(ex, std::move(creds), std::move(fs));
}

vfs::Caller Scope::caller() const {
    return vfs::Caller{*fs_, creds_, *ex_->fds_, Exporter::kMaxHandles, 0, 0};
}

int client_errno(const ostd::Error& e) {
    int code = e.code();
    if (code >= 512 && code <= 516) return EINTR;  // ERESTARTSYS .. ERESTART_RESTARTBLOCK
    if (code <= 0 || code >= 4096) return EIO;
    return code;
}

Result<void> Exporter::start(Ref<MountNamespace> ns, Options options) {
    if (g_exporter) return Error(EBUSY, "exporter running");
    Ref<FdTable> fds = TRY(FdTable::create());
    Ref<FsContext> fd_fs = TRY(FsContext::create(ns));
    Path root = ns->root();
    auto ex =
        TRY(ostd::try_make_box<Exporter>(std::move(ns), std::move(fds), std::move(fd_fs), options));
    TRY(ex->nodes_.reset(std::move(root)));
    g_exporter.emplace(std::move(ex));
    return ostd::ok();
}

Exporter* Exporter::get() {
    return g_exporter ? g_exporter->ptr() : nullptr;
}

void Exporter::stop() {
    if (!g_exporter) return;
    (*g_exporter)->sync();
    g_exporter.reset();
}

Exporter::~Exporter() {
    (void)fds_->close_range(0, ~0u, 0);
    nodes_.clear();
}

Result<void> Exporter::check_writable() const {
    if (options_.read_only) return Error(EROFS, "exported read-only");
    return ostd::ok();
}

Result<EntryOut> Exporter::entry_for(const Path& p) {
    EntryOut e;
    e.attr = vfs::stat_of(p.inode());
    e.node = TRY(nodes_.ref(p));
    return e;
}

Result<EntryOut> Exporter::lookup(const RequestCreds& rc, uint64_t parent, std::string_view name) {
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    Path p = TRY(vfs::lookup_at(s.caller(), kFdcwd, name, abi::at::kSymlinkNofollow));
    return entry_for(p);
}

Result<abi::Stat> Exporter::getattr(uint64_t node) {
    return vfs::stat_of(TRY(nodes_.get(node)).inode());
}

Result<abi::Stat> Exporter::setattr(const RequestCreds& rc, uint64_t node, const SetAttrIn& in,
                                    int64_t fh) {
    TRY(check_writable());
    Path p = TRY(nodes_.get(node));
    Scope s = TRY(Scope::make(*this, rc, p));
    vfs::Caller c = s.caller();
    constexpr uint32_t kHere = abi::at::kEmptyPath;
    if (in.valid & set_attr::kMode) {
        if (fh >= 0)
            TRY(vfs::fchmod(c, int(fh), in.mode & 07777));
        else
            TRY(vfs::chmod_at(c, kFdcwd, "", in.mode & 07777, kHere));
    }
    if (in.valid & (set_attr::kUid | set_attr::kGid)) {
        Uid uid = (in.valid & set_attr::kUid) ? in.uid : kUnchanged;
        Gid gid = (in.valid & set_attr::kGid) ? in.gid : kUnchanged;
        if (fh >= 0)
            TRY(vfs::fchown(c, int(fh), uid, gid));
        else
            TRY(vfs::chown_at(c, kFdcwd, "", uid, gid, kHere | abi::at::kSymlinkNofollow));
    }
    if (in.valid & set_attr::kSize) {
        if (in.size > uint64_t(INT64_MAX)) return Error(EFBIG);
        if (fh >= 0) {
            TRY(vfs::ftruncate(c, int(fh), int64_t(in.size)));
        } else {
            if (p.inode().is_dir()) return Error(EISDIR);
            Split sp = TRY(split(p));
            Scope ps = TRY(Scope::make(*this, rc, sp.dir));
            TRY(vfs::truncate(ps.caller(), sp.name.view(), int64_t(in.size)));
        }
    }
    constexpr uint32_t kTimes =
        set_attr::kAtime | set_attr::kMtime | set_attr::kAtimeNow | set_attr::kMtimeNow;
    if (in.valid & kTimes) {
        abi::Timespec ts[2] = {{0, vfs::kUtimeOmit}, {0, vfs::kUtimeOmit}};
        if (in.valid & set_attr::kAtimeNow)
            ts[0] = {0, vfs::kUtimeNow};
        else if (in.valid & set_attr::kAtime)
            ts[0] = in.atime;
        if (in.valid & set_attr::kMtimeNow)
            ts[1] = {0, vfs::kUtimeNow};
        else if (in.valid & set_attr::kMtime)
            ts[1] = in.mtime;
        TRY(vfs::utimens_at(c, kFdcwd, "", ts, kHere | abi::at::kSymlinkNofollow));
    }
    return vfs::stat_of(p.inode());
}

Result<EntryOut> Exporter::mknod(const RequestCreds& rc, uint64_t parent, std::string_view name,
                                 uint32_t mode, uint64_t rdev) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    TRY(vfs::mknod_at(s.caller(), kFdcwd, name, mode, rdev));
    return entry_for(TRY(vfs::lookup_at(s.caller(), kFdcwd, name, abi::at::kSymlinkNofollow)));
}

Result<EntryOut> Exporter::mkdir(const RequestCreds& rc, uint64_t parent, std::string_view name,
                                 uint32_t mode) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    TRY(vfs::mkdir_at(s.caller(), kFdcwd, name, mode));
    return entry_for(TRY(vfs::lookup_at(s.caller(), kFdcwd, name, abi::at::kSymlinkNofollow)));
}

Result<EntryOut> Exporter::symlink(const RequestCreds& rc, std::string_view target, uint64_t parent,
                                   std::string_view name) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    TRY(vfs::symlink_at(s.caller(), target, kFdcwd, name));
    return entry_for(TRY(vfs::lookup_at(s.caller(), kFdcwd, name, abi::at::kSymlinkNofollow)));
}

namespace {
// An O_PATH descriptor on a directory, closed when it goes (for the two-directory calls).
class DirFd {
public:
    static Result<DirFd> open(const vfs::Caller& c) {
        int fd = TRY(vfs::open_at(c, kFdcwd, ".", o::kPath | o::kDirectory, 0));
        return DirFd(c, fd);
    }
    DirFd(DirFd&& o) : c_(o.c_), fd_(std::exchange(o.fd_, -1)) {}
    ~DirFd() {
        if (fd_ >= 0) (void)vfs::close(c_, fd_);
    }
    int fd() const { return fd_; }

private:
    DirFd(const vfs::Caller& c, int fd) : c_(c), fd_(fd) {}
    vfs::Caller c_;
    int fd_;
};
}  // namespace

Result<EntryOut> Exporter::link(const RequestCreds& rc, uint64_t node, uint64_t new_parent,
                                std::string_view new_name) {
    TRY(check_writable());
    Split src = TRY(split(TRY(nodes_.get(node))));
    Scope from = TRY(Scope::make(*this, rc, src.dir));
    Scope to = TRY(Scope::make(*this, rc, TRY(nodes_.get(new_parent))));
    DirFd dst = TRY(DirFd::open(to.caller()));
    TRY(vfs::link_at(from.caller(), kFdcwd, src.name.view(), dst.fd(), new_name, 0));
    return entry_for(TRY(vfs::lookup_at(to.caller(), kFdcwd, new_name, abi::at::kSymlinkNofollow)));
}

Result<void> Exporter::unlink(const RequestCreds& rc, uint64_t parent, std::string_view name) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    return vfs::unlink_at(s.caller(), kFdcwd, name, 0);
}

Result<void> Exporter::rmdir(const RequestCreds& rc, uint64_t parent, std::string_view name) {
    TRY(check_writable());
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    return vfs::unlink_at(s.caller(), kFdcwd, name, abi::at::kRemovedir);
}

Result<void> Exporter::rename(const RequestCreds& rc, uint64_t parent, std::string_view name,
                              uint64_t new_parent, std::string_view new_name, uint32_t flags) {
    TRY(check_writable());
    Scope from = TRY(Scope::make(*this, rc, TRY(nodes_.get(parent))));
    Scope to = TRY(Scope::make(*this, rc, TRY(nodes_.get(new_parent))));
    DirFd dst = TRY(DirFd::open(to.caller()));
    return vfs::rename_at(from.caller(), kFdcwd, name, dst.fd(), new_name, flags);
}

Result<ostd::String> Exporter::readlink(const RequestCreds& rc, uint64_t node) {
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    return vfs::readlink_at(s.caller(), kFdcwd, sp.name.view());
}

Result<void> Exporter::access(const RequestCreds& rc, uint64_t node, int mask) {
    Scope s = TRY(Scope::make(*this, rc, TRY(nodes_.get(node))));
    if ((mask & 2) && options_.read_only) return Error(EROFS, "exported read-only");
    return vfs::access_at(s.caller(), kFdcwd, "", mask, abi::at::kEmptyPath | abi::at::kEaccess);
}

Result<abi::Statfs> Exporter::statfs(const RequestCreds& rc, uint64_t node) {
    Split sp = TRY(split(TRY(nodes_.get(node))));
    Scope s = TRY(Scope::make(*this, rc, sp.dir));
    return vfs::statfs(s.caller(), sp.name.view());
}

}  // namespace kernel::fs::exporter
