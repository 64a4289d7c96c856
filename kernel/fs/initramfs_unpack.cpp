// Unpacking cpio entries into the VFS.
#include <kernel/abi/fcntl.h>
#include <kernel/fs/initramfs_unpack.h>
#include <ostd/common/log.h>

namespace kernel::fs {

using ostd::Error;
using ostd::Result;
namespace o = abi::open;
namespace ir = initramfs;

InitramfsPolicy initramfs_policy_from_cmdline(std::string_view cmdline) {
    constexpr std::string_view kKey = "initramfs.on_error=";
    InitramfsPolicy p = InitramfsPolicy::kContinue;
    size_t pos = 0;
    while (pos < cmdline.size()) {
        size_t end = cmdline.find(' ', pos);
        if (end == std::string_view::npos) end = cmdline.size();
        std::string_view word = cmdline.substr(pos, end - pos);
        if (word.substr(0, kKey.size()) == kKey)
            p = word.substr(kKey.size()) == "stop" ? InitramfsPolicy::kStop
                                                   : InitramfsPolicy::kContinue;
        pos = end + 1;
    }
    return p;
}

namespace {

constexpr int kCwd = abi::at::kFdcwd;

struct LinkSeen {
    ir::LinkKey key;
    ostd::String path;
};

struct Unpacker {
    const vfs::Caller& c;
    ostd::Vector<LinkSeen> links;
    UnpackStats stats;

    Result<void> write_data(std::string_view path, std::span<const std::byte> data, bool trunc) {
        uint32_t flags = o::kWronly | o::kCreat | o::kNofollow | (trunc ? o::kTrunc : 0u);
        ostd::Ref<File> f = TRY(vfs::open_file(c, kCwd, path, flags, 0600));
        auto r = ostd::VmReader::from_kernel(data);
        while (r.remaining()) {
            size_t n = TRY(f->write(r));
            if (n == 0) return Error(EIO, "short write while unpacking");
        }
        return ostd::ok();
    }

    /// Linux's unpacker replaces an existing non-directory of the same name.
    Result<void> clear(std::string_view path, bool want_dir) {
        auto st = vfs::stat_at(c, kCwd, path, abi::at::kSymlinkNofollow);
        if (st.is_error()) return ostd::ok();
        bool is_dir = (st.value().st_mode & abi::mode::kIfmt) == abi::mode::kIfdir;
        if (is_dir && want_dir) return ostd::ok();
        if (is_dir) return vfs::unlink_at(c, kCwd, path, abi::at::kRemovedir);
        return vfs::unlink_at(c, kCwd, path, 0);
    }

    Result<void> attrs(std::string_view path, const ir::Entry& e) {
        TRY(vfs::chown_at(c, kCwd, path, e.uid, e.gid, abi::at::kSymlinkNofollow));
        if (e.kind != ir::EntryKind::kSymlink)
            TRY(vfs::chmod_at(c, kCwd, path, e.permissions(), 0));
        abi::Timespec t[2] = {{int64_t(e.mtime), 0}, {int64_t(e.mtime), 0}};
        return vfs::utimens_at(c, kCwd, path, t, abi::at::kSymlinkNofollow);
    }

    Result<void> entry(const ir::Entry& e) {
        ++stats.entries;
        ostd::String path = TRY(ostd::String::from("/"));
        TRY(path.append(e.path));
        std::string_view p = path.view();
        if (e.is_root()) return attrs(p, e);
        switch (e.kind) {
            case ir::EntryKind::kDirectory:
                TRY(clear(p, true));
                if (auto r = vfs::mkdir_at(c, kCwd, p, 0700);
                    r.is_error() && r.error().code() != EEXIST)
                    return r;
                break;
            case ir::EntryKind::kRegular:
                if (e.is_hard_link()) {
                    for (const LinkSeen& s : links) {
                        if (s.key == e.link_key()) {
                            TRY(clear(p, false));
                            TRY(vfs::link_at(c, kCwd, s.path.view(), kCwd, p, 0));
                            ++stats.hard_links;
                            if (!e.data.empty()) TRY(write_data(p, e.data, true));
                            return attrs(p, e);
                        }
                    }
                    TRY(links.push_back(LinkSeen{e.link_key(), TRY(path.try_clone())}));
                }
                TRY(clear(p, false));
                TRY(write_data(p, e.data, true));
                break;
            case ir::EntryKind::kSymlink:
                TRY(clear(p, false));
                TRY(vfs::symlink_at(c, e.symlink_target, kCwd, p));
                break;
            case ir::EntryKind::kCharDevice:
            case ir::EntryKind::kBlockDevice:
            case ir::EntryKind::kFifo:
            case ir::EntryKind::kSocket:
                TRY(clear(p, false));
                TRY(vfs::mknod_at(c, kCwd, p, e.mode, make_dev(e.rdev_major, e.rdev_minor)));
                break;
        }
        return attrs(p, e);
    }
};

}  // namespace

Result<UnpackStats> unpack_initramfs(const vfs::Caller& c, std::span<const std::byte> archive,
                                     InitramfsPolicy policy, ir::Diagnostic* diag) {
    Unpacker u{c, {}, {}};
    ir::Diagnostic d;
    ir::CpioReader reader(archive);
    ir::Entry e;
    for (;;) {
        auto more = reader.next(&e);
        if (more.is_error()) {
            d = reader.diagnostic();
            if (diag) *diag = d;
            char msg[160];
            ir::describe(d, msg, sizeof msg);
            ORRERY_LOG_ERROR("initramfs: %s", msg);
            if (policy == InitramfsPolicy::kStop) return more.release_error();
            u.stats.archive_error = true;
            return u.stats;
        }
        if (!more.value()) break;
        TRY(u.entry(e));
    }
    return u.stats;
}

}  // namespace kernel::fs
