// The uid/gid transition rules, checked against the cases man 2 setreuid/setresuid describe.
#include <kernel/process/credentials.h>

#include <gtest/gtest.h>

namespace kernel {
namespace {

constexpr Uid X = kUnchanged;

TEST(Credentials, RootSetuidDropsAllIds) {
    Credentials c = Credentials::root();
    ASSERT_TRUE(c.set_uid(1000).is_ok());
    EXPECT_EQ(c.uids(), (IdSet{1000, 1000, 1000, 1000}));
    EXPECT_FALSE(c.is_privileged());
    // Dropped for good: cannot get back.
    EXPECT_EQ(c.set_uid(0).error(), EPERM);
    EXPECT_EQ(c.uids(), (IdSet{1000, 1000, 1000, 1000}));
}

TEST(Credentials, UnprivilegedSetuidOnlyToRealOrSaved) {
    Credentials c = Credentials::user(1000, 100);
    ASSERT_TRUE(c.set_resuid(1000, 1001, 1002).is_error());  // EPERM: not among current ids.
    Credentials root = Credentials::root();
    ASSERT_TRUE(root.set_resuid(1000, 1001, 1002).is_ok());
    EXPECT_EQ(root.set_uid(1001).error(), EPERM);  // euid is not real or saved.
    ASSERT_TRUE(root.set_uid(1002).is_ok());       // saved id: allowed, only euid changes.
    EXPECT_EQ(root.uids(), (IdSet{1000, 1002, 1002, 1002}));
    EXPECT_EQ(root.set_uid(X).error(), EINVAL);
}

TEST(Credentials, SetreuidSavedIdRule) {
    Credentials c = Credentials::root();
    ASSERT_TRUE(c.set_resuid(1000, 0, 0).is_ok());
    // Effective set to the old real id: saved keeps 0, so privilege can be regained.
    ASSERT_TRUE(c.set_reuid(X, 1000).is_ok());
    EXPECT_EQ(c.uids(), (IdSet{1000, 1000, 0, 1000}));
    ASSERT_TRUE(c.set_reuid(X, 0).is_ok());  // Back via the saved id; differs from real.
    EXPECT_EQ(c.uids(), (IdSet{1000, 0, 0, 0}));

    Credentials d = Credentials::root();
    ASSERT_TRUE(d.set_resuid(1000, 2000, 3000).is_ok());
    // Swap real and effective (classic setreuid use): saved follows effective.
    ASSERT_TRUE(d.set_reuid(2000, 1000).is_ok());
    EXPECT_EQ(d.uids(), (IdSet{2000, 1000, 1000, 1000}));
    // Real may not be set to the saved id by an unprivileged caller.
    Credentials e = Credentials::root();
    ASSERT_TRUE(e.set_resuid(1000, 2000, 3000).is_ok());
    EXPECT_EQ(e.set_reuid(3000, X).error(), EPERM);
    // Effective may be set to saved; since it differs from real, saved := effective.
    ASSERT_TRUE(e.set_reuid(X, 3000).is_ok());
    EXPECT_EQ(e.uids(), (IdSet{1000, 3000, 3000, 3000}));
}

TEST(Credentials, SetresuidUnprivilegedPermutations) {
    Credentials c = Credentials::root();
    ASSERT_TRUE(c.set_resuid(1, 2, 3).is_ok());
    ASSERT_TRUE(c.set_resuid(3, 1, 2).is_ok());
    EXPECT_EQ(c.uids(), (IdSet{3, 1, 2, 1}));
    EXPECT_EQ(c.set_resuid(X, 4, X).error(), EPERM);
    EXPECT_EQ(c.uids(), (IdSet{3, 1, 2, 1}));  // Unchanged after failure.
}

TEST(Credentials, FsuidReturnsOldAndChecksPermission) {
    Credentials c = Credentials::user(1000, 1000);
    EXPECT_EQ(c.set_fsuid(0), 1000u);  // Not permitted: unchanged.
    EXPECT_EQ(c.uids().fs, 1000u);
    Credentials r = Credentials::root();
    EXPECT_EQ(r.set_fsuid(55), 0u);
    EXPECT_EQ(r.set_fsuid(X), 55u);  // Query form.
}

TEST(Credentials, GidsFollowUidPrivilege) {
    Credentials c = Credentials::root();
    ASSERT_TRUE(c.set_resgid(10, 20, 30).is_ok());
    const Gid groups[] = {5, 6, 7};
    ASSERT_TRUE(c.set_groups(groups).is_ok());
    EXPECT_TRUE(c.in_group(6));
    EXPECT_TRUE(c.in_group(20));  // fsgid follows egid.
    EXPECT_FALSE(c.in_group(10));
    ASSERT_TRUE(c.set_uid(1000).is_ok());  // Drop privilege.
    EXPECT_EQ(c.set_groups(groups).error(), EPERM);
    EXPECT_EQ(c.set_gid(99).error(), EPERM);
    ASSERT_TRUE(c.set_gid(30).is_ok());  // Saved gid.
    EXPECT_EQ(c.gids().effective, 30u);
    Gid too_many[kMaxGroups + 1] = {};
    Credentials r = Credentials::root();
    EXPECT_EQ(r.set_groups(too_many).error(), EINVAL);
}

}  // namespace
}  // namespace kernel
