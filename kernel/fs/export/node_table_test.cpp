// NodeTable: ids per file (hard links share one), lookup counts and forget, id reuse with a
// new generation, ESTALE for unknown ids, growth past the hash's first size.
#include <kernel/fs/export/node_table.h>

#include "../fs_test_support.inc"

namespace kernel::fs::exporter {
namespace {

using namespace kernel::fs::testing;
constexpr int kCwd = abi::at::kFdcwd;

Path at(const vfs::Caller& c, std::string_view p) {
    return MUST(vfs::lookup_at(c, kCwd, p, abi::at::kSymlinkNofollow));
}

TEST(NodeTable, RootAndLookupCounts) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        NodeTable t;
        MUST(t.reset(w.ns->root()));
        EXPECT_EQ(MUST(t.get(kRootNode)), w.ns->root());
        EXPECT_EQ(MUST(t.ref(w.ns->root())), kRootNode);  // the root keeps id 1
        t.forget(kRootNode, 100);
        EXPECT_TRUE(t.get(kRootNode).is_ok());

        put_file(c, "/a", "x");
        uint64_t a = MUST(t.ref(at(c, "/a")));
        EXPECT_NE(a, kRootNode);
        EXPECT_EQ(MUST(t.ref(at(c, "/a"))), a);
        EXPECT_EQ(t.lookups(a), 2u);
        EXPECT_EQ(t.size(), 2u);
        t.forget(a, 1);
        EXPECT_EQ(MUST(t.get(a)), at(c, "/a"));
        t.forget(a, 1);
        EXPECT_EQ(err(t.get(a)), ESTALE);
        EXPECT_EQ(t.size(), 1u);
        t.forget(a, 1);  // unknown ids are ignored
        EXPECT_EQ(err(t.get(0)), ESTALE);
        EXPECT_EQ(err(t.get(12345)), ESTALE);

        // A reused slot gets a new id: the old one stays stale.
        uint64_t again = MUST(t.ref(at(c, "/a")));
        EXPECT_NE(again, a);
        EXPECT_EQ(err(t.get(a)), ESTALE);
        t.clear();
        EXPECT_EQ(t.size(), 0u);
        EXPECT_EQ(err(t.get(kRootNode)), ESTALE);
    });
}

TEST(NodeTable, HardLinksShareAnIdAndFollowTheLatestName) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        NodeTable t;
        MUST(t.reset(w.ns->root()));
        put_file(c, "/f", "x");
        MUST(vfs::link_at(c, kCwd, "/f", kCwd, "/g", 0));
        uint64_t f = MUST(t.ref(at(c, "/f")));
        EXPECT_EQ(MUST(t.ref(at(c, "/g"))), f);
        EXPECT_EQ(MUST(t.get(f)), at(c, "/g"));
        EXPECT_EQ(t.lookups(f), 2u);
        // A directory reached through a bind mount is another file to the client.
        MUST(vfs::mkdir_at(c, kCwd, "/d", 0755));
        MUST(vfs::mkdir_at(c, kCwd, "/e", 0755));
        MUST(vfs::mount(c, "/d", "/e", "", mount_flags::kBind, ""));
        uint64_t d = MUST(t.ref(at(c, "/d")));
        uint64_t e = MUST(t.ref(at(c, "/e")));
        EXPECT_NE(d, e);
    });
}

TEST(NodeTable, ManyNodesGrowAndShrink) {
    in_kernel([] {
        World w = World::make();
        auto c = w.caller();
        NodeTable t;
        MUST(t.reset(w.ns->root()));
        constexpr int kN = 600;
        uint64_t ids[kN];
        for (int i = 0; i < kN; ++i) {
            std::string name = "/n" + std::to_string(i);
            put_file(c, name, "");
            ids[i] = MUST(t.ref(at(c, name)));
        }
        EXPECT_EQ(t.size(), size_t(kN + 1));
        for (int i = 0; i < kN; i += 2)
            t.forget(ids[i], 1);
        EXPECT_EQ(t.size(), size_t(kN / 2 + 1));
        for (int i = 1; i < kN; i += 2) {
            std::string name = "/n" + std::to_string(i);
            EXPECT_EQ(MUST(t.get(ids[i])), at(c, name));
            EXPECT_EQ(MUST(t.ref(at(c, name))), ids[i]);
        }
        // Churn: forget and re-add many times (tombstones must not fill the hash).
        for (int round = 0; round < 20; ++round)
            for (int i = 0; i < kN; i += 2) {
                std::string name = "/n" + std::to_string(i);
                uint64_t id = MUST(t.ref(at(c, name)));
                t.forget(id, 1);
            }
        EXPECT_EQ(t.size(), size_t(kN / 2 + 1));
    });
}

}  // namespace
}  // namespace kernel::fs::exporter
