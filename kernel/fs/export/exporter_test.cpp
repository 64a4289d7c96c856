// Exporter: every operation through node ids with the request's credentials, and the errno
// each failure reports (ENOENT, EEXIST, ENOTEMPTY, EACCES, EPERM, EROFS, ESTALE, ERANGE...).
#include <kernel/fs/export/exporter.h>

#include <map>
#include <string>

#include "../fs_test_support.inc"

namespace kernel::fs::exporter {
namespace {

using namespace kernel::fs::testing;
namespace o = abi::open;
const RequestCreds kRoot{};
const RequestCreds kUser{1000, 1000, {}};

std::span<const std::byte> bytes(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// Starts an exporter over a fresh tmpfs world and runs body(exporter, world).
template <typename F>
void with_exporter(F&& body, Exporter::Options opts = {}) {
    in_kernel([&] {
        World w = World::make();
        MUST(Exporter::start(w.ns, opts));
        Exporter& ex = *Exporter::get();
        body(ex, w);
        Exporter::stop();
        EXPECT_EQ(Exporter::get(), nullptr);
    });
}

std::string read_all(Exporter& ex, int fh) {
    std::string out(4096, '\0');
    auto span = std::as_writable_bytes(std::span<char>(out.data(), out.size()));
    out.resize(MUST(ex.read(fh, span, 0)));
    return out;
}

TEST(Exporter, CreateWriteReadLookupAndNames) {
    with_exporter([](Exporter& ex, World&) {
        EXPECT_EQ(MUST(ex.getattr(kRootNode)).st_mode & 0170000, 0040000u);
        EXPECT_EQ(err(ex.lookup(kRoot, kRootNode, "nope")), ENOENT);
        EXPECT_EQ(err(ex.getattr(999)), ESTALE);
        auto d = MUST(ex.mkdir(kRoot, kRootNode, "d", 0750));
        EXPECT_EQ(d.attr.st_mode, 0040750u);
        EXPECT_EQ(err(ex.mkdir(kRoot, kRootNode, "d", 0755)), EEXIST);
        auto c = MUST(ex.create(kRoot, d.node, "f", 0640, o::kRdwr));
        EXPECT_EQ(c.entry.attr.st_mode, 0100640u);
        EXPECT_EQ(MUST(ex.write(c.fh, bytes("hello world"), 0)), 11u);
        EXPECT_EQ(read_all(ex, c.fh), "hello world");
        MUST(ex.fsync(c.fh));
        EXPECT_EQ(ex.open_handles(), 1u);
        MUST(ex.release(c.fh));
        EXPECT_EQ(ex.open_handles(), 0u);
        EXPECT_EQ(err(ex.release(c.fh)), EBADF);
        EXPECT_EQ(err(ex.create(kRoot, d.node, "f", 0640, o::kRdwr | o::kExcl)), EEXIST);

        auto f = MUST(ex.lookup(kRoot, d.node, "f"));
        EXPECT_EQ(f.node, c.entry.node);
        EXPECT_EQ(f.attr.st_size, 11);
        int fh = MUST(ex.open(kRoot, f.node, o::kRdonly));
        EXPECT_EQ(read_all(ex, fh), "hello world");
        EXPECT_EQ(err(ex.write(fh, bytes("x"), 0)), EBADF);
        MUST(ex.release(fh));
        EXPECT_EQ(err(ex.open(kRoot, d.node, o::kWronly)), EISDIR);

        // link shares the node, unlink keeps the other name, rmdir wants an empty directory.
        auto l = MUST(ex.link(kRoot, f.node, kRootNode, "hard"));
        EXPECT_EQ(l.node, f.node);
        EXPECT_EQ(l.attr.st_nlink, 2u);
        EXPECT_EQ(err(ex.link(kRoot, f.node, kRootNode, "hard")), EEXIST);
        EXPECT_EQ(err(ex.link(kRoot, d.node, kRootNode, "dl")), EPERM);
        EXPECT_EQ(err(ex.rmdir(kRoot, kRootNode, "d")), ENOTEMPTY);
        EXPECT_EQ(err(ex.unlink(kRoot, kRootNode, "d")), EISDIR);
        EXPECT_EQ(err(ex.rmdir(kRoot, kRootNode, "hard")), ENOTDIR);
        MUST(ex.unlink(kRoot, d.node, "f"));
        EXPECT_EQ(err(ex.unlink(kRoot, d.node, "f")), ENOENT);
        MUST(ex.rmdir(kRoot, kRootNode, "d"));
        EXPECT_EQ(MUST(ex.getattr(l.node)).st_nlink, 1u);

        auto s = MUST(ex.symlink(kRoot, "target/x", kRootNode, "sym"));
        EXPECT_EQ(s.attr.st_mode & 0170000, 0120000u);
        EXPECT_EQ(std::string(MUST(ex.readlink(kRoot, s.node)).view()), "target/x");
        EXPECT_EQ(err(ex.readlink(kRoot, l.node)), EINVAL);
        auto n = MUST(ex.mknod(kRoot, kRootNode, "fifo", 0010644, 0));
        EXPECT_EQ(n.attr.st_mode, 0010644u);
        EXPECT_EQ(err(ex.mknod(kUser, kRootNode, "chr", 0020644, 0x103)), EPERM);
        EXPECT_GT(MUST(ex.statfs(kRoot, kRootNode)).f_namelen, 0);
    });
}

TEST(Exporter, FallocateAndCopyFileRange) {
    with_exporter([](Exporter& ex, World&) {
        auto a = MUST(ex.create(kRoot, kRootNode, "a", 0644, o::kRdwr));
        auto b = MUST(ex.create(kRoot, kRootNode, "b", 0644, o::kRdwr));
        MUST(ex.fallocate(a.fh, 0, 0, 8192));
        EXPECT_EQ(MUST(ex.getattr(a.entry.node)).st_size, 8192);
        EXPECT_EQ(err(ex.fallocate(a.fh, 0, -1, 10)), EINVAL);
        MUST(ex.write(a.fh, bytes("0123456789"), 100));
        EXPECT_EQ(MUST(ex.copy_file_range(a.fh, 100, b.fh, 5, 10)), 10u);
        std::byte buf[32];
        EXPECT_EQ(MUST(ex.read(b.fh, buf, 5)), 10u);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf), 10), "0123456789");
        EXPECT_EQ(err(ex.copy_file_range(a.fh, 0, 999, 0, 10)), EBADF);
        MUST(ex.release(a.fh));
        MUST(ex.release(b.fh));
    });
}

TEST(Exporter, RenameWithFlags) {
    with_exporter([](Exporter& ex, World&) {
        auto a = MUST(ex.mkdir(kRoot, kRootNode, "a", 0755));
        auto b = MUST(ex.mkdir(kRoot, kRootNode, "b", 0755));
        auto x = MUST(ex.create(kRoot, a.node, "x", 0644, o::kWronly));
        MUST(ex.release(x.fh));
        auto y = MUST(ex.create(kRoot, b.node, "y", 0644, o::kWronly));
        MUST(ex.release(y.fh));
        EXPECT_EQ(err(ex.rename(kRoot, a.node, "x", b.node, "y", vfs::kRenameNoreplace)), EEXIST);
        MUST(ex.rename(kRoot, a.node, "x", b.node, "y", vfs::kRenameExchange));
        EXPECT_EQ(MUST(ex.lookup(kRoot, b.node, "y")).node, x.entry.node);
        EXPECT_EQ(MUST(ex.lookup(kRoot, a.node, "x")).node, y.entry.node);
        MUST(ex.rename(kRoot, a.node, "x", b.node, "z", 0));
        EXPECT_EQ(err(ex.lookup(kRoot, a.node, "x")), ENOENT);
        // The moved file's node still resolves its name (used by readlink/xattrs/truncate).
        SetAttrIn in;
        in.valid = set_attr::kSize;
        in.size = 5;
        EXPECT_EQ(MUST(ex.setattr(kRoot, y.entry.node, in, -1)).st_size, 5);
        EXPECT_EQ(err(ex.rename(kRoot, a.node, "nope", b.node, "w", 0)), ENOENT);
        EXPECT_EQ(err(ex.rename(kRoot, kRootNode, "a", a.node, "in", 0)), EINVAL);
        MUST(ex.mkdir(kRoot, b.node, "full", 0755));
        MUST(ex.mkdir(kRoot, MUST(ex.lookup(kRoot, b.node, "full")).node, "child", 0755));
        MUST(ex.mkdir(kRoot, a.node, "empty", 0755));
        EXPECT_EQ(err(ex.rename(kRoot, a.node, "empty", b.node, "full", 0)), ENOTEMPTY);
    });
}

TEST(Exporter, SetattrModeOwnerSizeTimes) {
    with_exporter([](Exporter& ex, World&) {
        auto f = MUST(ex.create(kRoot, kRootNode, "f", 0644, o::kRdwr));
        SetAttrIn in;
        in.valid = set_attr::kMode | set_attr::kUid | set_attr::kGid;
        in.mode = 0100600;
        in.uid = 1000;
        in.gid = 1000;
        abi::Stat st = MUST(ex.setattr(kRoot, f.entry.node, in, -1));
        EXPECT_EQ(st.st_mode, 0100600u);
        EXPECT_EQ(st.st_uid, 1000u);
        EXPECT_EQ(st.st_gid, 1000u);
        in.valid = set_attr::kSize;
        in.size = 4096;
        EXPECT_EQ(MUST(ex.setattr(kRoot, f.entry.node, in, f.fh)).st_size, 4096);
        in.valid = set_attr::kAtime | set_attr::kMtime;
        in.atime = {1000, 5};
        in.mtime = {2000, 7};
        st = MUST(ex.setattr(kRoot, f.entry.node, in, -1));
        EXPECT_EQ(st.st_atim.tv_sec, 1000);
        EXPECT_EQ(st.st_mtim.tv_sec, 2000);
        EXPECT_EQ(st.st_mtim.tv_nsec, 7);
        in.valid = set_attr::kMtimeNow;
        st = MUST(ex.setattr(kRoot, f.entry.node, in, -1));
        EXPECT_NE(st.st_mtim.tv_sec, 2000);  // now (the test machine clock starts near 0)
        EXPECT_EQ(st.st_atim.tv_sec, 1000);  // untouched
        // Another user may not chmod or chown a file it does not own.
        RequestCreds other{2000, 2000, {}};
        in.valid = set_attr::kMode;
        in.mode = 0777;
        EXPECT_EQ(err(ex.setattr(other, f.entry.node, in, -1)), EPERM);
        in.valid = set_attr::kUid;
        in.uid = 2000;
        EXPECT_EQ(err(ex.setattr(kUser, f.entry.node, in, -1)), EPERM);
        auto d = MUST(ex.mkdir(kRoot, kRootNode, "d", 0755));
        in.valid = set_attr::kSize;
        in.size = 0;
        EXPECT_EQ(err(ex.setattr(kRoot, d.node, in, -1)), EISDIR);
        MUST(ex.release(f.fh));
    });
}

TEST(Exporter, PermissionsFollowTheRequestCredentials) {
    with_exporter([](Exporter& ex, World&) {
        auto priv = MUST(ex.mkdir(kRoot, kRootNode, "priv", 0700));
        auto f = MUST(ex.create(kRoot, kRootNode, "rootfile", 0644, o::kWronly));
        MUST(ex.release(f.fh));
        EXPECT_EQ(err(ex.lookup(kUser, priv.node, "x")), EACCES);
        EXPECT_EQ(err(ex.opendir(kUser, priv.node)), EACCES);
        EXPECT_EQ(err(ex.open(kUser, f.entry.node, o::kWronly)), EACCES);
        int fh = MUST(ex.open(kUser, f.entry.node, o::kRdonly));
        MUST(ex.release(fh));
        EXPECT_EQ(err(ex.create(kUser, kRootNode, "new", 0644, o::kWronly)), EACCES);
        EXPECT_EQ(err(ex.mkdir(kUser, kRootNode, "newd", 0755)), EACCES);
        EXPECT_EQ(err(ex.unlink(kUser, kRootNode, "rootfile")), EACCES);
        EXPECT_EQ(err(ex.access(kUser, f.entry.node, 2)), EACCES);
        MUST(ex.access(kUser, f.entry.node, 4));
        MUST(ex.access(kRoot, f.entry.node, 2));
        // A supplementary group grants what the primary one does not.
        SetAttrIn in;
        in.valid = set_attr::kGid | set_attr::kMode;
        in.gid = 55;
        in.mode = 0770;
        MUST(ex.setattr(kRoot, priv.node, in, -1));
        const Gid groups[] = {7, 55};
        RequestCreds member{1000, 1000, groups};
        EXPECT_EQ(err(ex.lookup(member, priv.node, "x")), ENOENT);
        // A file created by a user belongs to it.
        auto mine = MUST(ex.mkdir(member, priv.node, "mine", 0755));
        EXPECT_EQ(mine.attr.st_uid, 1000u);
    });
}

TEST(Exporter, ReaddirResumesAtOffsets) {
    with_exporter([](Exporter& ex, World&) {
        auto d = MUST(ex.mkdir(kRoot, kRootNode, "d", 0755));
        for (int i = 0; i < 50; ++i) {
            auto c =
                MUST(ex.create(kRoot, d.node, ("f" + std::to_string(i)).c_str(), 0644, o::kWronly));
            MUST(ex.release(c.fh));
        }
        int fh = MUST(ex.opendir(kRoot, d.node));
        struct Sink {
            std::map<std::string, int> seen;
            size_t room;
            int64_t last = 0;
        } sink{{}, 7, 0};
        auto fill = [](void* p, const DirEntry& e) {
            auto& s = *static_cast<Sink*>(p);
            if (s.room == 0) return false;
            --s.room;
            s.seen[std::string(e.name)]++;
            s.last = e.next;
            return true;
        };
        int64_t off = 0;
        for (int round = 0; round < 20; ++round) {
            sink.room = 7;
            size_t n = MUST(ex.readdir(fh, off, fill, &sink));
            if (n == 0) break;
            off = sink.last;
        }
        EXPECT_EQ(sink.seen.size(), 52u);  // ".", ".." and 50 files, each once
        for (auto& [name, count] : sink.seen)
            EXPECT_EQ(count, 1) << name;
        MUST(ex.release(fh));
        EXPECT_EQ(err(ex.readdir(fh, 0, fill, &sink)), EBADF);
        auto f = MUST(ex.lookup(kRoot, d.node, "f1"));
        EXPECT_EQ(err(ex.opendir(kRoot, f.node)), ENOTDIR);
    });
}

TEST(Exporter, Xattrs) {
    with_exporter([](Exporter& ex, World&) {
        auto f = MUST(ex.create(kRoot, kRootNode, "f", 0644, o::kWronly));
        MUST(ex.release(f.fh));
        MUST(ex.setxattr(kRoot, f.entry.node, "user.a", bytes("value"), 0));
        EXPECT_EQ(err(ex.setxattr(kRoot, f.entry.node, "user.a", bytes("v"), 1)), EEXIST);
        EXPECT_EQ(err(ex.setxattr(kRoot, f.entry.node, "user.b", bytes("v"), 2)), ENODATA);
        EXPECT_EQ(MUST(ex.getxattr(kRoot, f.entry.node, "user.a", {})), 5u);
        std::byte small[2];
        EXPECT_EQ(err(ex.getxattr(kRoot, f.entry.node, "user.a", small)), ERANGE);
        std::byte buf[64];
        EXPECT_EQ(MUST(ex.getxattr(kRoot, f.entry.node, "user.a", buf)), 5u);
        EXPECT_EQ(MUST(ex.listxattr(kRoot, f.entry.node, {})), 7u);  // "user.a\0"
        EXPECT_EQ(MUST(ex.listxattr(kRoot, f.entry.node, buf)), 7u);
        EXPECT_EQ(err(ex.setxattr(kUser, f.entry.node, "user.c", bytes("v"), 0)), EACCES);
        MUST(ex.removexattr(kRoot, f.entry.node, "user.a"));
        EXPECT_EQ(err(ex.getxattr(kRoot, f.entry.node, "user.a", buf)), ENODATA);
        EXPECT_EQ(err(ex.removexattr(kRoot, f.entry.node, "user.a")), ENODATA);
    });
}

TEST(Exporter, ReadOnlyRefusesChanges) {
    Exporter::Options ro;
    ro.read_only = true;
    with_exporter(
        [](Exporter& ex, World& w) {
            auto c = w.caller();
            put_file(c, "/f", "data");
            auto f = MUST(ex.lookup(kRoot, kRootNode, "f"));
            EXPECT_EQ(err(ex.mkdir(kRoot, kRootNode, "d", 0755)), EROFS);
            EXPECT_EQ(err(ex.create(kRoot, kRootNode, "g", 0644, o::kWronly)), EROFS);
            EXPECT_EQ(err(ex.open(kRoot, f.node, o::kWronly)), EROFS);
            EXPECT_EQ(err(ex.unlink(kRoot, kRootNode, "f")), EROFS);
            EXPECT_EQ(err(ex.access(kRoot, f.node, 2)), EROFS);
            SetAttrIn in;
            in.valid = set_attr::kMode;
            EXPECT_EQ(err(ex.setattr(kRoot, f.node, in, -1)), EROFS);
            int fh = MUST(ex.open(kRoot, f.node, o::kRdonly));
            EXPECT_EQ(read_all(ex, fh), "data");
            MUST(ex.release(fh));
        },
        ro);
}

TEST(Exporter, ClientErrnoAndStartTwice) {
    EXPECT_EQ(client_errno(ostd::Error(ENOENT)), ENOENT);
    EXPECT_EQ(client_errno(ostd::Error(512)), EINTR);  // ERESTARTSYS
    EXPECT_EQ(client_errno(ostd::Error(516)), EINTR);
    EXPECT_EQ(client_errno(ostd::Error(5000)), EIO);
    with_exporter([](Exporter&, World& w) { EXPECT_EQ(err(Exporter::start(w.ns, {})), EBUSY); });
}

}  // namespace
}  // namespace kernel::fs::exporter
