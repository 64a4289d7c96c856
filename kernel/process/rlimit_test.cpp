// setrlimit rules: ordering, privilege to raise the hard limit, the NOFILE ceiling.
#include <kernel/process/rlimit.h>

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace kernel {
namespace {

TEST(Rlimits, DefaultsAndNumbersMatchLinux) {
    Rlimits r;
    EXPECT_EQ(r[Resource::kNofile], (Rlimit{1024, 4096}));
    EXPECT_EQ(r[Resource::kStack].cur, 8u << 20);
    EXPECT_EQ(r[Resource::kCpu].cur, kRlimInfinity);
    EXPECT_EQ(static_cast<int>(Resource::kNofile), RLIMIT_NOFILE);
    EXPECT_EQ(static_cast<int>(Resource::kAs), RLIMIT_AS);
    EXPECT_EQ(static_cast<int>(Resource::kRttime), RLIMIT_RTTIME);
    EXPECT_EQ(kNumResources, static_cast<uint32_t>(RLIM_NLIMITS));
    EXPECT_EQ(kRlimInfinity, static_cast<uint64_t>(RLIM_INFINITY));
}

TEST(Rlimits, SetRules) {
    Rlimits r;
    EXPECT_EQ(r.get(kNumResources).error(), EINVAL);
    EXPECT_EQ(r.set(99, {1, 1}, true).error(), EINVAL);
    EXPECT_EQ(r.set(RLIMIT_NOFILE, {10, 5}, true).error(), EINVAL);        // cur > max
    EXPECT_EQ(r.set(RLIMIT_NOFILE, {10, 5000}, false).error(), EPERM);     // raise max
    ASSERT_TRUE(r.set(RLIMIT_NOFILE, {10, 2000}, false).is_ok());         // lower max: fine
    EXPECT_EQ(r.set(RLIMIT_NOFILE, {10, 2001}, false).error(), EPERM);     // cannot re-raise
    ASSERT_TRUE(r.set(RLIMIT_NOFILE, {2000, 2000}, false).is_ok());
    EXPECT_EQ(r.set(RLIMIT_NOFILE, {1, kNrOpen + 1}, true).error(), EPERM);
    ASSERT_TRUE(r.set(RLIMIT_NOFILE, {1, kNrOpen}, true).is_ok());
    EXPECT_EQ(r.get(RLIMIT_NOFILE).value(), (Rlimit{1, kNrOpen}));
}

}  // namespace
}  // namespace kernel
