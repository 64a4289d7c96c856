// format(): printf compatibility on the subset the kernel uses.
#include <ostd/common/format.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string fmt(const char* f, auto... args) {
    char buf[256];
    size_t n = ostd::format(buf, sizeof buf, f, args...);
    EXPECT_EQ(n, std::string(buf).size());
    return buf;
}

TEST(Format, MatchesLibcOnCommonSpecs) {
    const char* specs[] = {"%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%x", "%#x", "%X", "%o", "%.3d"};
    for (const char* s : specs) {
        for (int v : {0, 1, -1, 42, -42, 2147483647, -2147483647 - 1}) {
            char want[64];
            snprintf(want, sizeof want, s, v);
            EXPECT_EQ(fmt(s, v), want) << "spec " << s << " value " << v;
        }
    }
    EXPECT_EQ(fmt("%lu %lld %zu", 18446744073709551615UL, -9223372036854775807LL - 1, size_t{7}),
              "18446744073709551615 -9223372036854775808 7");
    EXPECT_EQ(fmt("%s|%-6s|%6s|%.2s", "abc", "ab", "ab", "abcdef"), "abc|ab    |    ab|ab");
    EXPECT_EQ(fmt("%c%c%%", 'o', 'k'), "ok%");
    EXPECT_EQ(fmt("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
    EXPECT_EQ(fmt("%hhd %hd", 300, 70000), "44 4464");
}

TEST(Format, TruncatesAndReportsFullLength) {
    char buf[8];
    size_t n = ostd::format(buf, sizeof buf, "%s", "hello world");
    EXPECT_EQ(n, 11u);
    EXPECT_STREQ(buf, "hello w");
    EXPECT_EQ(ostd::format(nullptr, 0, "%d", 12345), 5u);
}

}  // namespace
