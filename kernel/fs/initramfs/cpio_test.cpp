// cpio newc/crc reader: hand-built archives (every field and every rejection with its offsets),
// archives written by the host's cpio(1), concatenation, truncation and corruption sweeps.
#include <kernel/fs/initramfs/cpio.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace kernel::initramfs {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
    return {static_cast<const std::byte*>(static_cast<const void*>(s.data())), s.size()};
}

/// Header fields a test may override; -1 means "compute the right value".
struct Fields {
    uint32_t ino = 7, uid = 1000, gid = 100, nlink = 1, mtime = 0x5f5e1000;
    uint32_t dev_major = 8, dev_minor = 1, rdev_major = 0, rdev_minor = 0;
    int64_t filesize = -1, namesize = -1, check = -1;
};

/// Writes newc (or crc) members byte by byte.
class CpioBuilder {
  public:
    explicit CpioBuilder(bool crc = false) : crc_(crc) {}

    /// Appends a member; returns the offset of its header.
    size_t add(const std::string& name, uint32_t mode, const std::string& data = "",
               Fields f = {}) {
        size_t at = bytes.size();
        uint32_t sum = 0;
        for (char c : data)
            sum += static_cast<uint8_t>(c);
        bytes += crc_ ? "070702" : "070701";
        for (int64_t v :
             {int64_t{f.ino}, int64_t{mode}, int64_t{f.uid}, int64_t{f.gid}, int64_t{f.nlink},
              int64_t{f.mtime}, f.filesize >= 0 ? f.filesize : int64_t(data.size()),
              int64_t{f.dev_major}, int64_t{f.dev_minor}, int64_t{f.rdev_major},
              int64_t{f.rdev_minor}, f.namesize >= 0 ? f.namesize : int64_t(name.size() + 1),
              f.check >= 0 ? f.check : int64_t{crc_ ? sum : 0}}) {
            char hex[9];
            snprintf(hex, sizeof(hex), "%08X", static_cast<unsigned>(v));
            bytes += hex;
        }
        bytes += name;
        bytes.push_back('\0');
        pad();
        bytes += data;
        pad();
        return at;
    }
    size_t trailer() { return add("TRAILER!!!", 0, "", {.ino = 0, .nlink = 1}); }
    void pad() {
        while (bytes.size() % 4)
            bytes.push_back('\0');
    }
    std::span<const std::byte> span() const { return bytes_of(bytes); }

    std::string bytes;

  private:
    bool crc_;
};

/// What a test checks about an entry (copied out: entry views die at the next read).
struct Seen {
    std::string path, raw, data, target;
    EntryKind kind;
    uint32_t mode, uid, gid, nlink, mtime, ino, rdev_major, rdev_minor;
    uint64_t offset;
    LinkKey key;
};

struct ReadResult {
    std::vector<Seen> entries;
    int err = 0;
    Diagnostic diag;
};

ReadResult read_all(std::span<const std::byte> archive) {
    ReadResult out;
    auto r = for_each_entry(
        archive,
        [&](const Entry& e) -> ostd::Result<void> {
            out.entries.push_back(
                {std::string(e.path), std::string(e.raw_name),
                 std::string(static_cast<const char*>(static_cast<const void*>(e.data.data())),
                             e.data.size()),
                 std::string(e.symlink_target), e.kind, e.mode, e.uid, e.gid, e.nlink, e.mtime,
                 e.ino, e.rdev_major, e.rdev_minor, e.offset, e.link_key()});
            return ostd::ok();
        },
        &out.diag);
    if (r.is_error()) out.err = r.error().code();
    return out;
}

TEST(Cpio, HandBuiltNewcEveryKind) {
    CpioBuilder b;
    b.add(".", 040755);
    b.add("./etc", 040755);
    size_t file_at = b.add("./etc//passwd", 0100644, "root:x:0:0\n");
    b.add("bin/sh", 0120777, "busybox");
    b.add("dev/console", 020600, "", {.rdev_major = 5, .rdev_minor = 1});
    b.add("dev/sda", 060660, "", {.rdev_major = 8, .rdev_minor = 0});
    b.add("run/fifo", 010644);
    b.add("run/sock", 0140755);
    b.trailer();
    ReadResult r = read_all(b.span());
    ASSERT_EQ(r.err, 0) << r.diag.reason;
    ASSERT_EQ(r.entries.size(), 8u);
    EXPECT_EQ(r.entries[0].path, "");
    EXPECT_EQ(r.entries[0].kind, EntryKind::kDirectory);
    EXPECT_EQ(r.entries[1].path, "etc");
    const Seen& passwd = r.entries[2];
    EXPECT_EQ(passwd.path, "etc/passwd");
    EXPECT_EQ(passwd.raw, "./etc//passwd");
    EXPECT_EQ(passwd.offset, file_at);
    EXPECT_EQ(passwd.kind, EntryKind::kRegular);
    EXPECT_EQ(passwd.mode, 0100644u);
    EXPECT_EQ(passwd.data, "root:x:0:0\n");
    EXPECT_EQ(passwd.uid, 1000u);
    EXPECT_EQ(passwd.gid, 100u);
    EXPECT_EQ(passwd.mtime, 0x5f5e1000u);
    EXPECT_EQ(passwd.ino, 7u);
    EXPECT_EQ(r.entries[3].kind, EntryKind::kSymlink);
    EXPECT_EQ(r.entries[3].target, "busybox");
    EXPECT_EQ(r.entries[4].kind, EntryKind::kCharDevice);
    EXPECT_EQ(r.entries[4].rdev_major, 5u);
    EXPECT_EQ(r.entries[4].rdev_minor, 1u);
    EXPECT_EQ(r.entries[5].kind, EntryKind::kBlockDevice);
    EXPECT_EQ(r.entries[5].rdev_major, 8u);
    EXPECT_EQ(r.entries[6].kind, EntryKind::kFifo);
    EXPECT_EQ(r.entries[7].kind, EntryKind::kSocket);
}

TEST(Cpio, CrcChecksumIsVerified) {
    CpioBuilder b(/*crc=*/true);
    b.add("a", 0100600, "\xff\xfe payload");
    b.trailer();
    ReadResult ok = read_all(b.span());
    ASSERT_EQ(ok.err, 0) << ok.diag.reason;
    EXPECT_EQ(ok.entries[0].data, "\xff\xfe payload");

    CpioBuilder bad(true);
    size_t at = bad.add("a", 0100600, "payload", {.check = 12345});
    bad.trailer();
    ReadResult r = read_all(bad.span());
    EXPECT_EQ(r.err, EINVAL);
    EXPECT_STREQ(r.diag.reason, "c_check: checksum mismatch");
    EXPECT_EQ(r.diag.offset, at + 102);
    EXPECT_EQ(r.diag.entry_offset, at);
}

TEST(Cpio, ConcatenatedArchivesWithNulPadding) {
    CpioBuilder b;
    b.add("a", 0100644, "1");
    b.trailer();
    b.bytes.append(512 - b.bytes.size() % 512, '\0');
    b.add("b", 0100644, "2");
    b.trailer();
    b.bytes.append(100, '\0');
    ReadResult r = read_all(b.span());
    ASSERT_EQ(r.err, 0) << r.diag.reason;
    ASSERT_EQ(r.entries.size(), 2u);
    EXPECT_EQ(r.entries[1].path, "b");
    EXPECT_EQ(r.entries[1].offset, 512u);
}

TEST(Cpio, HardLinksShareALinkKey) {
    CpioBuilder b;
    b.add("x", 0100644, "", {.ino = 42, .nlink = 2});
    b.add("y", 0100644, "data", {.ino = 42, .nlink = 2});
    b.add("z", 0100644, "other", {.ino = 43});
    b.trailer();
    CpioReader reader(b.span());
    Entry e;
    ASSERT_TRUE(reader.next(&e).value());
    EXPECT_TRUE(e.is_hard_link());
    LinkKey first = e.link_key();
    ASSERT_TRUE(reader.next(&e).value());
    EXPECT_TRUE(e.is_hard_link());
    EXPECT_EQ(e.link_key(), first);
    ASSERT_TRUE(reader.next(&e).value());
    EXPECT_FALSE(e.is_hard_link());
    EXPECT_FALSE(reader.next(&e).value());
    EXPECT_FALSE(reader.next(&e).value());  // stays at the end
}

TEST(Cpio, VisitorErrorStopsTheWalk) {
    CpioBuilder b;
    b.add("a", 0100644);
    b.add("b", 0100644);
    b.trailer();
    int calls = 0;
    auto r = for_each_entry(b.span(), [&](const Entry&) -> ostd::Result<void> {
        ++calls;
        return ostd::Error(ENOSPC);
    });
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), ENOSPC);
    EXPECT_EQ(calls, 1);
}

/// A malformed archive: builds it, names the expected reason and offsets.
struct BadCase {
    const char* name;
    std::function<void(CpioBuilder&, size_t& entry, size_t& offset)> build;
    const char* reason;
};

std::vector<BadCase> bad_cases() {
    // Each build() appends a good first member, then the bad one, and sets the expected offsets.
    return {
        {"truncated header",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = o = b.bytes.size();
             b.bytes += "070701000";
         },
         "truncated header"},
        {"magic",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = o = b.add("x", 0100644);
             b.bytes[e + 5] = '7';
             b.trailer();
         },
         "c_magic"},
        {"bad hex",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644);
             b.bytes[e + 14 + 3] = 'g';
             o = e + 17;
             b.trailer();
         },
         "c_mode: not 8 hex digits"},
        {"hex sign",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644);
             b.bytes[e + 54] = '-';
             o = e + 54;
             b.trailer();
         },
         "c_filesize: not 8 hex digits"},
        {"namesize zero",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644, "", {.namesize = 0});
             o = e + 94;
             b.trailer();
         },
         "c_namesize: zero"},
        {"namesize huge",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644, "", {.namesize = 0x7fffffff});
             o = e + 94;
             b.trailer();
         },
         "c_namesize: over PATH_MAX"},
        {"name past end",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644, "", {.namesize = 4000});
             o = e + 110;
         },
         "c_name: extends past end"},
        {"name not NUL-terminated",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("abc", 0100644, "", {.namesize = 3});
             o = e + 112;
             b.trailer();
         },
         "not NUL-terminated"},
        {"empty name",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("", 0100644);
             o = e + 110;
             b.trailer();
         },
         "c_name: empty"},
        {"embedded NUL",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add(std::string("ab\0cd", 5), 0100644);
             o = e + 112;
             b.trailer();
         },
         "c_name: embedded NUL"},
        {"data past end",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0100644, "abc", {.filesize = 0xffffffff});
             o = e + 54;
             b.trailer();
         },
         "c_filesize: data extends past end"},
        {"unknown type",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("x", 0170644);
             o = e + 14;
             b.trailer();
         },
         "c_mode: unknown file type"},
        {"directory with data",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("d", 040755, "data");
             o = e + 54;
             b.trailer();
         },
         "non-zero for a directory"},
        {"device with data",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("d", 020600, "x");
             o = e + 54;
             b.trailer();
         },
         "non-zero for a directory"},
        {"symlink empty",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("l", 0120777, "");
             o = e + 54;
             b.trailer();
         },
         "symlink: empty target"},
        {"symlink NUL",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("l", 0120777, std::string("a\0b", 3));
             o = e + 110 + 2 + 1;
             b.trailer();
         },
         "symlink: NUL in target"},
        {"symlink huge",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("l", 0120777, std::string(5000, 'a'));
             o = e + 54;
             b.trailer();
         },
         "symlink: target over PATH_MAX"},
        {"dotdot",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("./a/../../etc", 0100644);
             o = e + 110 + 4;
             b.trailer();
         },
         "'..' component"},
        {"dotdot leading",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("..", 040755);
             o = e + 110;
             b.trailer();
         },
         "'..' component"},
        {"root not a directory",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             e = b.add("./", 0100644);
             o = e + 110;
             b.trailer();
         },
         "names the root but is not a directory"},
        {"no trailer",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             b.add("x", 0100644, "abc");
             e = o = b.bytes.size();
         },
         "without TRAILER!!!"},
        {"junk after trailer",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             b.trailer();
             b.bytes += std::string("\0\0\0\0\0x", 6);
             e = o = b.bytes.size() - 1;
         },
         "junk after TRAILER!!!"},
        {"garbage archive after trailer",
         [](CpioBuilder& b, size_t& e, size_t& o) {
             b.trailer();
             e = o = b.bytes.size();
             b.bytes += std::string(200, 'A');
         },
         "c_magic"},
    };
}

TEST(Cpio, EveryRejectionReportsReasonAndOffsets) {
    for (const BadCase& c : bad_cases()) {
        SCOPED_TRACE(c.name);
        CpioBuilder b;
        b.add("good", 0100644, "good data");
        size_t entry = 0, offset = 0;
        c.build(b, entry, offset);
        ReadResult r = read_all(b.span());
        EXPECT_EQ(r.err, EINVAL);
        ASSERT_NE(r.diag.reason, nullptr);
        EXPECT_NE(std::string(r.diag.reason).find(c.reason), std::string::npos) << r.diag.reason;
        EXPECT_EQ(r.diag.offset, offset) << r.diag.reason;
        EXPECT_EQ(r.diag.entry_offset, entry) << r.diag.reason;
        ASSERT_GE(r.entries.size(), 1u);  // the good member came first
        EXPECT_EQ(r.entries[0].path, "good");
    }
}

TEST(Cpio, ErrorsAreSticky) {
    CpioBuilder b;
    b.bytes = "garbage";
    CpioReader reader(b.span());
    Entry e;
    auto first = reader.next(&e);
    ASSERT_TRUE(first.is_error());
    auto again = reader.next(&e);
    ASSERT_TRUE(again.is_error());
    EXPECT_EQ(again.error().code(), EINVAL);
    EXPECT_STREQ(again.error().note(), "truncated header");
    EXPECT_EQ(reader.diagnostic().offset, 0u);
}

TEST(Cpio, EmptyBufferHasNoTrailer) {
    ReadResult r = read_all({});
    EXPECT_EQ(r.err, EINVAL);
    EXPECT_STREQ(r.diag.reason, "archive ends without TRAILER!!!");
}

TEST(Cpio, EveryTruncationIsRejected) {
    CpioBuilder b(true);
    b.add(".", 040755);
    b.add("a/file", 0100644, std::string(37, 'z'));
    b.add("a/link", 0120777, "file");
    size_t end = b.trailer();
    for (size_t n = 0; n < end + 110; ++n) {  // up to the trailer's name: still no TRAILER!!!
        ReadResult r = read_all(b.span().first(n));
        ASSERT_EQ(r.err, EINVAL) << n;
        EXPECT_LE(r.diag.offset, n);
        EXPECT_LE(r.diag.entry_offset, r.diag.offset);
    }
    EXPECT_EQ(read_all(b.span()).err, 0);
}

TEST(Cpio, RandomCorruptionNeverCrashes) {
    CpioBuilder base(true);
    base.add(".", 040755);
    base.add("etc/hosts", 0100644, "127.0.0.1 localhost\n");
    base.add("bin/sh", 0120777, "busybox");
    base.add("dev/null", 020666, "", {.rdev_major = 1, .rdev_minor = 3});
    base.trailer();
    std::mt19937_64 rng(99);
    const char alphabet[] = "0123456789abcdefABCDEF\0/.x7";
    int rejected = 0;
    for (int iter = 0; iter < 20000; ++iter) {
        std::string img = base.bytes;
        for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i)
            img[rng() % img.size()] =
                rng() % 2 ? alphabet[rng() % (sizeof(alphabet) - 1)] : static_cast<char>(rng());
        ReadResult r = read_all(bytes_of(img));
        if (r.err) {
            ++rejected;
            EXPECT_EQ(r.err, EINVAL);
            EXPECT_LE(r.diag.offset, img.size());
        }
        for (const Seen& s : r.entries) {
            EXPECT_EQ(s.path.find(".."), std::string::npos);
            EXPECT_NE(s.path.find("//"), 0u);
        }
    }
    EXPECT_GT(rejected, 1000);
}

// ---- archives written by the host's cpio(1) ----

class HostCpio : public ::testing::Test {
  protected:
    void SetUp() override {
        if (system("command -v cpio >/dev/null 2>&1") != 0) GTEST_SKIP() << "no cpio(1)";
        char tmpl[] = "/tmp/orrery-cpio-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_EQ(mkdir((dir_ + "/etc").c_str(), 0755), 0);
        ASSERT_EQ(mkdir((dir_ + "/etc/empty").c_str(), 0700), 0);
        write(dir_ + "/etc/hostname", "orrery\n");
        write(dir_ + "/big", std::string(70000, 'q'));
        write(dir_ + "/odd", "abcde");  // 5 bytes: exercises data padding
        ASSERT_EQ(symlink("etc/hostname", (dir_ + "/link").c_str()), 0);
        ASSERT_EQ(link((dir_ + "/odd").c_str(), (dir_ + "/odd2").c_str()), 0);
        ASSERT_EQ(mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
    }
    void TearDown() override {
        if (!dir_.empty()) (void)system(("rm -rf " + dir_).c_str());
    }
    static void write(const std::string& path, const std::string& data) {
        std::ofstream(path, std::ios::binary) << data;
    }
    std::string archive(const char* format) {
        std::string cmd =
            "cd " + dir_ + " && find . | LC_ALL=C sort | cpio -o -H " + format + " 2>/dev/null";
        FILE* p = popen(cmd.c_str(), "r");
        std::string out;
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
            out.append(buf, n);
        EXPECT_EQ(pclose(p), 0);
        return out;
    }
    void check(const std::string& bytes) {
        ReadResult r = read_all(bytes_of(bytes));
        ASSERT_EQ(r.err, 0) << r.diag.reason << " at " << r.diag.offset;
        std::map<std::string, Seen> by_path;
        for (const Seen& s : r.entries)
            by_path[s.path] = s;
        ASSERT_EQ(by_path.size(),
                  9u);  // "", etc, etc/empty, etc/hostname, big, odd, odd2, link, fifo
        EXPECT_EQ(by_path[""].kind, EntryKind::kDirectory);
        EXPECT_EQ(by_path["etc"].kind, EntryKind::kDirectory);
        EXPECT_EQ(by_path["etc/empty"].mode & 07777, 0700u);
        EXPECT_EQ(by_path["etc/hostname"].data, "orrery\n");
        EXPECT_EQ(by_path["etc/hostname"].uid, getuid());
        EXPECT_EQ(by_path["big"].data, std::string(70000, 'q'));
        EXPECT_EQ(by_path["link"].kind, EntryKind::kSymlink);
        EXPECT_EQ(by_path["link"].target, "etc/hostname");
        EXPECT_EQ(by_path["fifo"].kind, EntryKind::kFifo);
        // Hard links: same key, nlink 2; GNU cpio puts the data on the last one.
        EXPECT_EQ(by_path["odd"].nlink, 2u);
        EXPECT_EQ(by_path["odd"].key, by_path["odd2"].key);
        EXPECT_EQ(by_path["odd"].data + by_path["odd2"].data, "abcde");
        // cpio(1) strips "./"; only the root keeps its raw name ".".
        for (const Seen& s : r.entries)
            EXPECT_EQ(s.raw, s.path.empty() ? "." : s.path);
    }
    std::string dir_;
};

TEST_F(HostCpio, NewcArchiveMatchesTheTree) {
    check(archive("newc"));
}
TEST_F(HostCpio, CrcArchiveMatchesTheTree) {
    check(archive("crc"));
}
TEST_F(HostCpio, CorruptedCrcArchiveIsRejected) {
    std::string a = archive("crc");
    size_t at = a.find("orrery\n");
    ASSERT_NE(at, std::string::npos);
    a[at] = 'O';
    ReadResult r = read_all(bytes_of(a));
    EXPECT_EQ(r.err, EINVAL);
    EXPECT_STREQ(r.diag.reason, "c_check: checksum mismatch");
    EXPECT_EQ(r.diag.offset, r.diag.entry_offset + 102);
}

}  // namespace
}  // namespace kernel::initramfs
