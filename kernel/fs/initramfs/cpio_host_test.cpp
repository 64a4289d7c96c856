// cpio reader on archives written by the host's cpio(1) from a temp tree, and on the seed
// corpora in corpora/cpio/.
#include <kernel/fs/initramfs/cpio.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "cpio_builder_test.inc"

namespace kernel::initramfs {
namespace {

using namespace testing;

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

TEST(CpioSeedCorpus, EverySeedIsAValidArchive) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(__FILE__).parent_path() / "../../../corpora/cpio";
    if (!fs::is_directory(dir)) GTEST_SKIP() << "no corpora/cpio";
    int seeds = 0;
    for (const auto& file : fs::directory_iterator(dir)) {
        SCOPED_TRACE(file.path().string());
        std::ifstream in(file.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ReadResult r = read_all(bytes_of(bytes));
        EXPECT_EQ(r.err, 0) << r.diag.reason << " at " << r.diag.offset;
        EXPECT_FALSE(r.entries.empty());
        EXPECT_LT(bytes.size(), 64u * 1024);
        ++seeds;
    }
    EXPECT_GE(seeds, 3);
}

}  // namespace
}  // namespace kernel::initramfs
