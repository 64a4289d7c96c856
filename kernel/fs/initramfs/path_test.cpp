// Archive path normalisation: accepted spellings, refused "..", buffer limits.
#include <kernel/fs/initramfs/path.h>

#include <gtest/gtest.h>

#include <string>

namespace kernel::initramfs {
namespace {

std::string norm(std::string_view raw) {
    char buf[64];
    auto r = normalize_path(raw, buf);
    if (r.is_error()) return std::string("error:") + ostd::errno_name(r.error().code());
    return std::string(buf, r.value());
}

TEST(ArchivePath, Normalises) {
    EXPECT_EQ(norm("a/b"), "a/b");
    EXPECT_EQ(norm("./a/b"), "a/b");
    EXPECT_EQ(norm("a//b"), "a/b");
    EXPECT_EQ(norm("/a/./b/"), "a/b");
    EXPECT_EQ(norm("././a/.//b/."), "a/b");
    EXPECT_EQ(norm("."), "");
    EXPECT_EQ(norm("./"), "");
    EXPECT_EQ(norm("/"), "");
    EXPECT_EQ(norm(".hidden/..x/x.."), ".hidden/..x/x..");
    EXPECT_EQ(norm("..."), "...");
}

TEST(ArchivePath, RefusesDotDotAndReportsWhere) {
    EXPECT_EQ(norm(".."), "error:EINVAL");
    EXPECT_EQ(norm("a/.."), "error:EINVAL");
    EXPECT_EQ(norm("../etc"), "error:EINVAL");
    char buf[64];
    size_t bad_at = 99;
    auto r = normalize_path("./a//../b", buf, &bad_at);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), EINVAL);
    EXPECT_STREQ(r.error().note(), "name has a '..' component");
    EXPECT_EQ(bad_at, 5u);
}

TEST(ArchivePath, OutputBufferBound) {
    char buf[3];
    EXPECT_EQ(normalize_path("ab/c", buf).error().code(), ENAMETOOLONG);
    EXPECT_EQ(normalize_path("./a/b", buf).value(), 3u);
    EXPECT_EQ(std::string(buf, 3), "a/b");
    EXPECT_EQ(normalize_path("", std::span<char>()).value(), 0u);
}

}  // namespace
}  // namespace kernel::initramfs
