// cpio newc/crc reader on hand-built archives: every field, every rejection with its offsets,
// concatenation, hard links, truncation and corruption sweeps.
#include <kernel/fs/initramfs/cpio.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cpio_builder_test.inc"

namespace kernel::initramfs {
namespace {

using namespace testing;

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

TEST(Cpio, DescribeFormatsReasonAndOffsets) {
    CpioBuilder b;
    b.add("good", 0100644, "data!");
    size_t at = b.add("bad", 0170000);
    b.trailer();
    ReadResult r = read_all(b.span());
    ASSERT_EQ(r.err, EINVAL);
    char buf[128];
    describe(r.diag, buf, sizeof(buf));
    char want[128];
    snprintf(want, sizeof(want), "cpio: c_mode: unknown file type (byte %#zx, entry at %#zx)",
             at + 14, at);
    EXPECT_STREQ(buf, want);
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

}  // namespace
}  // namespace kernel::initramfs
