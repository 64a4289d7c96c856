// Result<T>, Error, TRY and MUST.
#include <ostd/common/result.h>

#include <gtest/gtest.h>

#include <memory>

namespace {

using ostd::Error;
using ostd::Result;

Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return Error(EINVAL, "not a digit");
    return c - '0';
}

Result<int> sum_two(const char* s) {
    int a = TRY(parse_digit(s[0]));
    int b = TRY(parse_digit(s[1]));
    return a + b;
}

Result<void> check_positive(int v) {
    if (v <= 0) return Error(ERANGE);
    return ostd::ok();
}

Result<int> chain_void(int v) {
    TRY(check_positive(v));
    return v * 2;
}

TEST(Result, ValueAndErrorPaths) {
    EXPECT_EQ(sum_two("34").value(), 7);
    auto bad = sum_two("3x");
    ASSERT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error().code(), EINVAL);
    EXPECT_STREQ(bad.error().note(), "not a digit");
    EXPECT_EQ(chain_void(4).value(), 8);
    EXPECT_EQ(chain_void(-1).error(), ERANGE);
}

TEST(Result, MoveOnlyValues) {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    ASSERT_TRUE(r.is_ok());
    auto p = r.release_value();
    EXPECT_EQ(*p, 5);
}

TEST(Result, ErrnoNames) {
    EXPECT_STREQ(ostd::errno_name(EFAULT), "EFAULT");
    EXPECT_STREQ(ostd::errno_name(EAGAIN), "EAGAIN");
    EXPECT_EQ(ostd::errno_name(100000), nullptr);
}

using ResultDeathTest = ::testing::Test;

TEST_F(ResultDeathTest, ValueOfErrorPanics) {
    EXPECT_DEATH(
        {
            Result<int> r = Error(ENOENT);
            (void)r.value();
        },
        "PANIC: Result::value\\(\\) on error 2");
}

TEST_F(ResultDeathTest, MustNamesTheExpression) {
    EXPECT_DEATH((void)MUST(parse_digit('z')), "MUST\\(parse_digit\\('z'\\)\\) failed: errno 22");
}

TEST_F(ResultDeathTest, AssertPrintsMessage) {
    EXPECT_DEATH(ORRERY_ASSERT(1 + 1 == 3, "arithmetic is %s", "broken"),
                 "assertion failed: 1 \\+ 1 == 3 .*: arithmetic is broken");
}

}  // namespace
