// Real Debian binaries: the parse and the load plan must agree with `readelf -hlW`, read at test
// time (skips when a binary or readelf is missing). Also: every seed in corpora/elf/ is valid.
#include <kernel/elf/load_plan.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "elf_builder_test.inc"

namespace kernel::elf {
namespace {

/// The facts readelf reports that the loader cares about.
struct ReadelfFacts {
    std::string type;  // "EXEC" or "DYN"
    uint64_t entry = 0;
    unsigned phnum = 0;
    struct Load {
        uint64_t offset, vaddr, filesz, memsz, align;
        uint8_t prot;
    };
    std::vector<Load> loads;
    std::string interp;
    bool has_phdr = false;
    uint64_t phdr_vaddr = 0;
    bool has_tls = false;
    uint64_t tls_vaddr = 0, tls_memsz = 0;
    bool stack_exec = false;
};

std::optional<std::string> run(const std::string& cmd) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return std::nullopt;
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        out.append(buf, n);
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

std::optional<ReadelfFacts> readelf(const std::string& path) {
    auto out = run("readelf -hlW " + path + " 2>/dev/null");
    if (!out) return std::nullopt;
    ReadelfFacts facts;
    std::istringstream lines(*out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream in(line);
        std::string word;
        in >> word;
        if (word == "Type:") {
            in >> facts.type;
        } else if (line.find("Entry point address:") != std::string::npos) {
            facts.entry = std::stoull(line.substr(line.find("0x")), nullptr, 16);
        } else if (line.find("Number of program headers:") != std::string::npos) {
            facts.phnum = std::stoul(line.substr(line.find(':') + 1));
        } else if (line.find("[Requesting program interpreter: ") != std::string::npos) {
            size_t at = line.find(": ") + 2;
            facts.interp = line.substr(at, line.find(']') - at);
        } else if (word == "LOAD" || word == "PHDR" || word == "TLS" || word == "GNU_STACK") {
            uint64_t v[5];
            for (uint64_t& x : v) {
                std::string hex;
                in >> hex;
                x = std::stoull(hex, nullptr, 16);
            }
            std::vector<std::string> rest;
            while (in >> word)
                rest.push_back(word);
            uint8_t prot = 0;
            for (size_t i = 0; i + 1 < rest.size(); ++i) {
                if (rest[i].find('R') != std::string::npos) prot |= kProtRead;
                if (rest[i].find('W') != std::string::npos) prot |= kProtWrite;
                if (rest[i].find('E') != std::string::npos) prot |= kProtExec;
            }
            uint64_t align = std::stoull(rest.back(), nullptr, 16);
            if (line.find("LOAD") != std::string::npos && v[4] > 0)
                facts.loads.push_back({v[0], v[1], v[3], v[4], align, prot});
            if (line.find("PHDR") != std::string::npos)
                facts.has_phdr = true, facts.phdr_vaddr = v[1];
            if (line.find("TLS") != std::string::npos)
                facts.has_tls = true, facts.tls_vaddr = v[1], facts.tls_memsz = v[4];
            if (line.find("GNU_STACK") != std::string::npos) facts.stack_exec = prot & kProtExec;
        }
    }
    return facts;
}

/// Parses `path`, checks it against readelf, returns the image bytes and facts for more checks.
void check_against_readelf(const std::string& path, ImageKind expected_kind) {
    auto bytes = testing::read_file(path);
    if (!bytes) GTEST_SKIP() << path << " not present";
    auto facts = readelf(path);
    if (!facts) GTEST_SKIP() << "readelf not available";
    Diagnostic diag;
    auto r = parse_elf(*bytes, &diag);
    ASSERT_TRUE(r.is_ok()) << path << ": " << diag.reason << " at " << diag.offset;
    const ElfImage& img = r.value();
    EXPECT_EQ(img.kind(), expected_kind);
    EXPECT_EQ(img.type(), facts->type == "EXEC" ? ElfType::kExec : ElfType::kDyn);
    EXPECT_EQ(img.entry(), facts->entry);
    EXPECT_EQ(img.phnum(), facts->phnum);
    EXPECT_EQ(img.interpreter(), facts->interp);
    EXPECT_EQ(img.wants_exec_stack(), facts->stack_exec);
    ASSERT_EQ(img.segments().size(), facts->loads.size());
    for (size_t i = 0; i < facts->loads.size(); ++i) {
        const Segment& s = img.segments()[i];
        const auto& l = facts->loads[i];
        EXPECT_EQ(s.file_offset, l.offset) << i;
        EXPECT_EQ(s.vaddr, l.vaddr) << i;
        EXPECT_EQ(s.filesz, l.filesz) << i;
        EXPECT_EQ(s.memsz, l.memsz) << i;
        EXPECT_EQ(s.align, l.align) << i;
        EXPECT_EQ(s.prot, l.prot) << i;
    }
    if (facts->has_phdr) {
        EXPECT_EQ(img.phdr_vaddr(), facts->phdr_vaddr);
    }
    EXPECT_EQ(img.tls().has_value(), facts->has_tls);
    if (facts->has_tls) {
        EXPECT_EQ(img.tls()->vaddr, facts->tls_vaddr);
        EXPECT_EQ(img.tls()->memsz, facts->tls_memsz);
    }

    // The plan at a typical PIE base: every copy stays inside the file, segments are disjoint,
    // and the auxv addresses are the link-time ones plus the bias.
    const uint64_t base = ostd::align_up(0x555555554000, img.base_alignment());
    auto plan = plan_load(img, ostd::Vaddr(base));
    ASSERT_TRUE(plan.is_ok());
    const uint64_t bias = img.type() == ElfType::kDyn ? base - img.span().start.value() : 0;
    EXPECT_EQ(plan.value().bias, bias);
    EXPECT_EQ(plan.value().entry.value(), facts->entry + bias);
    ASSERT_TRUE(plan.value().phdr.has_value());
    EXPECT_EQ(plan.value().phdr->value(), *img.phdr_vaddr() + bias);
    for (const PlannedSegment& s : plan.value().segments()) {
        EXPECT_TRUE(s.pages.start.is_page_aligned());
        EXPECT_TRUE(s.pages.end.is_page_aligned());
        EXPECT_LE(s.file_offset + s.file_size, bytes->size());
        EXPECT_LE(s.file_backed().end, s.pages.end);
    }
}

TEST(ElfRealBinaries, BusyboxStaticMatchesReadelf) {
    check_against_readelf("/bin/busybox", ImageKind::kStatic);
    auto bytes = testing::read_file("/bin/busybox");
    if (!bytes || !parse_elf(*bytes).is_ok()) return;
    auto img = parse_elf(*bytes);
    EXPECT_EQ(img.value().type(), ElfType::kExec);  // busybox-static is a non-PIE ET_EXEC
    EXPECT_TRUE(img.value().interpreter().empty());
    // No PT_PHDR: AT_PHDR comes from the PT_LOAD that maps e_phoff (64).
    EXPECT_EQ(*img.value().phdr_vaddr(), img.value().segments()[0].vaddr + 64);
}

TEST(ElfRealBinaries, TrueIsDynamicPie) {
    check_against_readelf("/bin/true", ImageKind::kDynamic);
    auto bytes = testing::read_file("/bin/true");
    if (!bytes) return;
    auto img = parse_elf(*bytes);
    ASSERT_TRUE(img.is_ok());
    EXPECT_EQ(img.value().interpreter(), "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(img.value().type(), ElfType::kDyn);
}

TEST(ElfRealBinaries, DynamicLinkerIsStaticPie) {
    check_against_readelf("/lib64/ld-linux-x86-64.so.2", ImageKind::kStaticPie);
}

TEST(ElfRealBinaries, EveryPrefixOfTrueIsRejectedCleanly) {
    auto bytes = testing::read_file("/bin/true");
    if (!bytes) GTEST_SKIP() << "/bin/true not present";
    for (size_t n = 0; n < bytes->size(); n += 7) {
        Diagnostic diag;
        auto r = parse_elf(std::span<const std::byte>(*bytes).first(n), &diag);
        if (r.is_error()) {
            EXPECT_EQ(r.error().code(), ENOEXEC);
            EXPECT_LE(diag.offset, n);
        }
    }
}

TEST(ElfSeedCorpus, EverySeedParsesAndMatchesReadelf) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(__FILE__).parent_path() / "../../corpora/elf";
    if (!fs::is_directory(dir)) GTEST_SKIP() << "no corpora/elf";
    int seeds = 0;
    for (const auto& file : fs::directory_iterator(dir)) {
        SCOPED_TRACE(file.path().string());
        auto bytes = testing::read_file(file.path().string());
        ASSERT_TRUE(bytes.has_value());
        EXPECT_LT(bytes->size(), 64u * 1024);
        Diagnostic diag;
        auto img = parse_elf(*bytes, &diag);
        ASSERT_TRUE(img.is_ok()) << diag.reason << " at " << diag.offset;
        if (img.value().arch() == Arch::kX86_64)
            check_against_readelf(file.path().string(), img.value().kind());
        ++seeds;
    }
    EXPECT_GE(seeds, 3);
}

}  // namespace
}  // namespace kernel::elf
