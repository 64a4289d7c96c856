// Concurrency: many tasks creating, linking, renaming and unlinking in shared directories, then
// a consistency check of the tree (every name resolves, link counts match the names found, no
// duplicates). Run under host-tsan for the data-race half of the check.
#include <kernel/fs/vfs.h>

#include <map>
#include <set>
#include <vector>

#include <ostd/task/task.h>

#include "fs_test_support.inc"

namespace kernel::fs {
namespace {

using namespace testing;
namespace o = abi::open;
constexpr int kCwd = abi::at::kFdcwd;

TEST(VfsStress, ConcurrentNamespaceChangesKeepTreeConsistent) {
    orrery::testing::run_in_kernel(
        [] {
            World w = World::make();
            auto c = w.caller();
            MUST(vfs::mkdir_at(c, kCwd, "/s", 0777));
            MUST(vfs::mkdir_at(c, kCwd, "/s/a", 0777));
            MUST(vfs::mkdir_at(c, kCwd, "/s/b", 0777));
            constexpr int kTasks = 6, kOps = 150;
            std::vector<ostd::TaskRef> tasks;
            for (int t = 0; t < kTasks; ++t) {
                tasks.push_back(MUST(ostd::spawn([&c, t] {
                    uint32_t rng = 12345u + uint32_t(t) * 7919u;
                    auto next = [&rng] {
                        rng = rng * 1103515245u + 12345u;
                        return (rng >> 16) & 0x7fff;
                    };
                    for (int i = 0; i < kOps; ++i) {
                        std::string d1 = next() % 2 ? "/s/a/" : "/s/b/";
                        std::string d2 = next() % 2 ? "/s/a/" : "/s/b/";
                        std::string n1 = d1 + "f" + std::to_string(next() % 12);
                        std::string n2 = d2 + "f" + std::to_string(next() % 12);
                        switch (next() % 6) {
                            case 0: {
                                auto fd = vfs::open_at(c, kCwd, n1, o::kCreat | o::kWronly, 0644);
                                if (fd.is_ok()) {
                                    (void)write_str(c, fd.value(), "data");
                                    MUST(vfs::close(c, fd.value()));
                                }
                                break;
                            }
                            case 1:
                                (void)vfs::link_at(c, kCwd, n1, kCwd, n2, 0);
                                break;
                            case 2:
                                (void)vfs::rename_at(c, kCwd, n1, kCwd, n2, 0);
                                break;
                            case 3:
                                (void)vfs::unlink_at(c, kCwd, n1, 0);
                                break;
                            case 4:
                                (void)vfs::rename_at(c, kCwd, n1, kCwd, n2, vfs::kRenameExchange);
                                break;
                            case 5:
                                (void)vfs::stat_at(c, kCwd, n1, 0);
                                break;
                        }
                    }
                    return 0;
                })));
            }
            for (auto& t : tasks)
                MUST(t->join());
            // Consistency: list both directories, count names per inode, compare with st_nlink.
            std::map<uint64_t, uint64_t> names_per_ino;
            std::map<uint64_t, uint64_t> nlink_of;
            for (std::string dir : {"/s/a", "/s/b"}) {
                int fd = MUST(vfs::open_at(c, kCwd, dir, o::kRdonly | o::kDirectory, 0));
                std::set<std::string> seen;
                for (;;) {
                    std::byte buf[1024];
                    auto wr = ostd::VmWriter::from_kernel(buf);
                    size_t n = MUST(vfs::getdents(c, fd, wr));
                    if (n == 0) break;
                    for (size_t off = 0; off < n;) {
                        abi::LinuxDirent64 h;
                        memcpy(&h, buf + off, sizeof h);
                        std::string name(
                            reinterpret_cast<const char*>(buf + off + abi::kDirentNameOffset));
                        off += h.d_reclen;
                        if (name == "." || name == "..") continue;
                        EXPECT_TRUE(seen.insert(name).second) << "duplicate " << dir << "/" << name;
                        abi::Stat st = MUST(vfs::stat_at(c, kCwd, dir + "/" + name, 0));
                        EXPECT_EQ(st.st_ino, h.d_ino);
                        EXPECT_EQ(get_file(c, dir + "/" + name), "data");
                        ++names_per_ino[st.st_ino];
                        nlink_of[st.st_ino] = st.st_nlink;
                    }
                }
                MUST(vfs::close(c, fd));
            }
            for (auto [ino, names] : names_per_ino)
                EXPECT_EQ(nlink_of[ino], names) << "inode " << ino;
            EXPECT_EQ(MUST(vfs::stat_at(c, kCwd, "/s", 0)).st_nlink, 4u);
        },
        orrery::testing::small_machine(2));
}

}  // namespace
}  // namespace kernel::fs
