// ELF64 validation: valid images built byte by byte, and one test per rejection rule asserting
// ENOEXEC, the reason and the byte offset of the offending field; truncation and bit-flip sweeps.
#include <kernel/elf/elf_image.h>

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>

#include "elf_builder_test.inc"

namespace kernel::elf {
namespace {

using testing::ElfBuilder;
namespace f = format;

TEST(ElfImage, StaticExecutable) {
    ElfBuilder b = ElfBuilder::static_exec();
    Diagnostic diag;
    auto r = parse_elf(b.span(), &diag);
    ASSERT_TRUE(r.is_ok()) << diag.reason << " at " << diag.offset;
    const ElfImage& img = r.value();
    EXPECT_EQ(img.arch(), Arch::kX86_64);
    EXPECT_EQ(img.type(), ElfType::kExec);
    EXPECT_EQ(img.kind(), ImageKind::kStatic);
    EXPECT_EQ(img.entry(), 0x400100u);
    ASSERT_EQ(img.segments().size(), 2u);
    EXPECT_EQ(img.segments()[0].prot, kProtRead | kProtExec);
    EXPECT_EQ(img.segments()[1].prot, kProtRead | kProtWrite);
    EXPECT_EQ(img.segments()[1].filesz, 0x100u);
    EXPECT_EQ(img.segments()[1].memsz, 0x2000u);
    EXPECT_EQ(img.segments()[1].phdr_index, 1u);
    EXPECT_TRUE(img.interpreter().empty());
    // No PT_PHDR: the first PT_LOAD maps file offset 64, where the table is.
    ASSERT_TRUE(img.phdr_vaddr().has_value());
    EXPECT_EQ(*img.phdr_vaddr(), 0x400040u);
    EXPECT_EQ(img.phnum(), 2u);
    EXPECT_EQ(img.phentsize(), 56u);
    EXPECT_EQ(img.span().start.value(), 0x400000u);
    EXPECT_EQ(img.span().end.value(), 0x403000u);
    EXPECT_EQ(img.base_alignment(), 0x1000u);
    EXPECT_FALSE(img.has_gnu_stack());
    EXPECT_FALSE(img.wants_exec_stack());
    EXPECT_FALSE(img.tls().has_value());
    EXPECT_FALSE(img.dynamic().has_value());
}

TEST(ElfImage, DynamicPieWithInterpreterPhdrTlsDynamicAndStack) {
    ElfBuilder b(f::kEtDyn);
    const std::string interp = "/lib64/ld-linux-x86-64.so.2";
    b.add_phdr(f::kPtPhdr, f::kPfR, 64, 64, 7 * 56, 7 * 56, 8);
    b.add_phdr(f::kPtInterp, f::kPfR, 0x800, 0x800, interp.size() + 1, interp.size() + 1, 1);
    b.put_string(0x800, interp);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0, 0, 0x1000, 0x1000, 0x200000);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfW, 0x1d70, 0x202d70, 0x200, 0x400, 0x200000);
    b.add_phdr(f::kPtTls, f::kPfR, 0x1d70, 0x202d70, 0x10, 0x20, 8);
    b.add_phdr(f::kPtDynamic, f::kPfR | f::kPfW, 0x1e00, 0x202e00, 0x100, 0x100, 8);
    b.add_phdr(f::kPtGnuStack, f::kPfR | f::kPfW | f::kPfX, 0, 0, 0, 0, 16);
    b.put(f::kEEntry, 0x500, 8);
    Diagnostic diag;
    auto r = parse_elf(b.span(), &diag);
    ASSERT_TRUE(r.is_ok()) << diag.reason << " at " << diag.offset;
    const ElfImage& img = r.value();
    EXPECT_EQ(img.type(), ElfType::kDyn);
    EXPECT_EQ(img.kind(), ImageKind::kDynamic);
    EXPECT_EQ(img.interpreter(), interp);
    EXPECT_EQ(*img.phdr_vaddr(), 64u);
    EXPECT_EQ(img.base_alignment(), 0x200000u);
    EXPECT_TRUE(img.has_gnu_stack());
    EXPECT_TRUE(img.wants_exec_stack());
    ASSERT_TRUE(img.tls().has_value());
    EXPECT_EQ(img.tls()->vaddr, 0x202d70u);
    EXPECT_EQ(img.tls()->memsz, 0x20u);
    EXPECT_EQ(img.tls()->align, 8u);
    ASSERT_TRUE(img.dynamic().has_value());
    EXPECT_EQ(img.dynamic()->vaddr, 0x202e00u);
    EXPECT_EQ(img.span().end.value(), 0x204000u);
}

TEST(ElfImage, StaticPieAndRiscV) {
    ElfBuilder b(f::kEtDyn);
    b.put(f::kEMachine, f::kEmRiscV, 2);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0, 0, 0x2000, 0x2000, 0x1000);
    b.put(f::kEEntry, 0x1000, 8);
    auto r = parse_elf(b.span());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r.value().arch(), Arch::kRiscV64);
    EXPECT_EQ(r.value().kind(), ImageKind::kStaticPie);
}

TEST(ElfImage, EmptyLoadSegmentsAreDroppedAndUnmappedTableGivesNoPhdr) {
    ElfBuilder b;
    b.add_phdr(f::kPtLoad, f::kPfR, 0x1000, 0x400000, 0, 0, 0x1000);  // empty: skipped
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0x1000, 0x401000, 0x800, 0x800, 0x1000);
    b.put(f::kEEntry, 0x401000, 8);
    auto r = parse_elf(b.span());
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r.value().segments().size(), 1u);
    EXPECT_EQ(r.value().segments()[0].phdr_index, 1u);
    EXPECT_FALSE(r.value().phdr_vaddr().has_value());
}

/// A rejection case: a mutation of a valid image, the reason substring and the byte offset.
struct BadCase {
    const char* name;
    std::function<void(ElfBuilder&)> mutate;
    const char* reason;
    uint64_t offset;
};

const uint64_t kP0 = ElfBuilder::phdr_at(0);
const uint64_t kP1 = ElfBuilder::phdr_at(1);
const uint64_t kP2 = ElfBuilder::phdr_at(2);

void add_interp(ElfBuilder& b, uint64_t off, uint64_t size) {
    b.add_phdr(f::kPtInterp, f::kPfR, off, 0, size, size, 1);
}

std::vector<BadCase> bad_cases() {
    return {
        {"magic", [](ElfBuilder& b) { b.put(1, 'e', 1); }, "bad magic", 0},
        {"class32", [](ElfBuilder& b) { b.put(f::kEiClass, 1, 1); }, "ELFCLASS64", 4},
        {"bigendian", [](ElfBuilder& b) { b.put(f::kEiData, 2, 1); }, "little-endian", 5},
        {"identversion", [](ElfBuilder& b) { b.put(f::kEiVersion, 0, 1); }, "EI_VERSION", 6},
        {"etrel", [](ElfBuilder& b) { b.put(f::kEType, 1, 2); }, "e_type", 16},
        {"etcore", [](ElfBuilder& b) { b.put(f::kEType, 4, 2); }, "e_type", 16},
        {"machine386", [](ElfBuilder& b) { b.put(f::kEMachine, 3, 2); }, "e_machine", 18},
        {"version", [](ElfBuilder& b) { b.put(f::kEVersion, 2, 4); }, "e_version", 20},
        {"ehsize", [](ElfBuilder& b) { b.put(f::kEEhsize, 52, 2); }, "e_ehsize", 52},
        {"phentsize", [](ElfBuilder& b) { b.put(f::kEPhentsize, 32, 2); }, "e_phentsize", 54},
        {"phnum0", [](ElfBuilder& b) { b.put(f::kEPhnum, 0, 2); }, "no program headers", 56},
        {"phnumhuge", [](ElfBuilder& b) { b.put(f::kEPhnum, 0xffff, 2); }, "over 4 KiB", 56},
        {"phoffeof", [](ElfBuilder& b) { b.put(f::kEPhoff, 0x2fe0, 8); }, "e_phoff", 32},
        {"phoffwrap", [](ElfBuilder& b) { b.put(f::kEPhoff, ~uint64_t{0x3f}, 8); }, "e_phoff", 32},
        {"filesz>memsz", [](ElfBuilder& b) { b.put(kP1 + f::kPFilesz, 0x2001, 8); },
         "p_filesz exceeds p_memsz", kP1 + f::kPFilesz},
        {"loadpasteof",
         [](ElfBuilder& b) {
             b.put(kP1 + f::kPFilesz, 0x2001 + 0, 8);
             b.put(kP1 + f::kPMemsz, 0x3000, 8);
         },
         "past end of file", kP1 + f::kPOffset},
        {"loadoffsetwrap", [](ElfBuilder& b) { b.put(kP1 + f::kPOffset, ~uint64_t{0xfff}, 8); },
         "past end of file", kP1 + f::kPOffset},
        {"alignnotpow2", [](ElfBuilder& b) { b.put(kP0 + f::kPAlign, 0x1800, 8); }, "power of two",
         kP0 + f::kPAlign},
        {"aligntoobig", [](ElfBuilder& b) { b.put(kP0 + f::kPAlign, uint64_t{1} << 40, 8); },
         "p_align over", kP0 + f::kPAlign},
        {"notcongruent", [](ElfBuilder& b) { b.put(kP1 + f::kPVaddr, 0x401800, 8); }, "congruent",
         kP1 + f::kPVaddr},
        {"vaddrwrap",
         [](ElfBuilder& b) {
             b.put(kP1 + f::kPVaddr, ~uint64_t{0xfff}, 8);
             b.put(kP1 + f::kPOffset, 0, 8);
         },
         "user address space", kP1 + f::kPVaddr},
        {"kernelhalf",
         [](ElfBuilder& b) {
             b.put(kP1 + f::kPVaddr, uint64_t{1} << 47, 8);
             b.put(kP1 + f::kPOffset, 0, 8);
         },
         "user address space", kP1 + f::kPVaddr},
        {"unsorted", [](ElfBuilder& b) { b.put(kP1 + f::kPVaddr, 0x3ff000, 8); }, "not sorted",
         kP1 + f::kPVaddr},
        {"sharedpage", [](ElfBuilder& b) { b.put(kP0 + f::kPMemsz, 0x1001, 8); }, "shares a page",
         kP1 + f::kPVaddr},
        {"toomanyloads",
         [](ElfBuilder& b) {
             for (uint64_t i = 0; i < 15; ++i)
                 b.add_phdr(f::kPtLoad, f::kPfR, 0, 0x500000 + i * 0x1000, 0, 0x10, 0x1000);
         },
         "more than 16", ElfBuilder::phdr_at(16)},
        {"nonul",
         [](ElfBuilder& b) {
             b.put_string(0x800, "abc");
             add_interp(b, 0x800, 3);
         },
         "not NUL-terminated", 0x802},
        {"embeddednul",
         [](ElfBuilder& b) {
             b.put_string(0x800, "a");
             add_interp(b, 0x800, 4);
         },
         "embedded NUL", 0x801},
        {"interptiny", [](ElfBuilder& b) { add_interp(b, 0x800, 1); }, "PT_INTERP: p_filesz",
         kP2 + f::kPFilesz},
        {"interphuge", [](ElfBuilder& b) { add_interp(b, 0, 4097); }, "PT_INTERP: p_filesz",
         kP2 + f::kPFilesz},
        {"interpeof", [](ElfBuilder& b) { add_interp(b, 0x2ff0, 0x20); }, "PT_INTERP: path extends",
         kP2 + f::kPOffset},
        {"interptwice",
         [](ElfBuilder& b) {
             b.put_string(0x800, "/x");
             add_interp(b, 0x800, 3);
             add_interp(b, 0x800, 3);
         },
         "PT_INTERP: more than one", ElfBuilder::phdr_at(3)},
        {"tlsfilesz",
         [](ElfBuilder& b) { b.add_phdr(f::kPtTls, f::kPfR, 0x1000, 0x401000, 9, 8, 8); },
         "PT_TLS: p_filesz", kP2 + f::kPFilesz},
        {"tlsalign",
         [](ElfBuilder& b) { b.add_phdr(f::kPtTls, f::kPfR, 0x1000, 0x401000, 8, 8, 12); },
         "PT_TLS: p_align", kP2 + f::kPAlign},
        {"tlseof", [](ElfBuilder& b) { b.add_phdr(f::kPtTls, f::kPfR, 0x3000, 0x401000, 8, 8, 8); },
         "PT_TLS: p_offset", kP2 + f::kPOffset},
        {"dyneof", [](ElfBuilder& b) { b.add_phdr(f::kPtDynamic, f::kPfR, ~0ull, 0, 8, 8, 8); },
         "PT_DYNAMIC: p_offset", kP2 + f::kPOffset},
        {"dyntwice",
         [](ElfBuilder& b) {
             b.add_phdr(f::kPtDynamic, f::kPfR, 0x1000, 0x401000, 8, 8, 8);
             b.add_phdr(f::kPtDynamic, f::kPfR, 0x1000, 0x401000, 8, 8, 8);
         },
         "PT_DYNAMIC: more than one", ElfBuilder::phdr_at(3)},
        {"phdrtwice",
         [](ElfBuilder& b) {
             b.add_phdr(f::kPtPhdr, f::kPfR, 64, 0x400040, 0xa8, 0xa8, 8);
             b.add_phdr(f::kPtPhdr, f::kPfR, 64, 0x400040, 0xa8, 0xa8, 8);
         },
         "PT_PHDR: more than one", ElfBuilder::phdr_at(3)},
        {"phdrunmapped",
         [](ElfBuilder& b) { b.add_phdr(f::kPtPhdr, f::kPfR, 64, 0x10000, 0xa8, 0xa8, 8); },
         "PT_PHDR: table not inside", kP2 + f::kPVaddr},
        {"entryoutside", [](ElfBuilder& b) { b.put(f::kEEntry, 0x403000, 8); }, "e_entry", 24},
        {"noload",
         [](ElfBuilder& b) {
             b.put(kP0 + f::kPType, f::kPtNote, 4);
             b.put(kP1 + f::kPType, f::kPtGnuStack, 4);
         },
         "no non-empty PT_LOAD", 56},
    };
}

TEST(ElfImage, EveryRejectionNamesFieldAndOffset) {
    for (const BadCase& c : bad_cases()) {
        SCOPED_TRACE(c.name);
        ElfBuilder b = ElfBuilder::static_exec();
        c.mutate(b);
        Diagnostic diag;
        auto r = parse_elf(b.span(), &diag);
        ASSERT_TRUE(r.is_error());
        EXPECT_EQ(r.error().code(), ENOEXEC);
        ASSERT_NE(diag.reason, nullptr);
        EXPECT_NE(std::string(diag.reason).find(c.reason), std::string::npos) << diag.reason;
        EXPECT_STREQ(r.error().note(), diag.reason);
        EXPECT_EQ(diag.offset, c.offset) << diag.reason;
    }
}

TEST(ElfImage, DescribeFormatsReasonAndOffset) {
    ElfBuilder b = ElfBuilder::static_exec();
    b.put(f::kEPhentsize, 32, 2);
    Diagnostic diag;
    ASSERT_TRUE(parse_elf(b.span(), &diag).is_error());
    char buf[128];
    describe(diag, buf, sizeof(buf));
    EXPECT_STREQ(buf, "ELF: e_phentsize: not sizeof(Elf64_Phdr) (56) (byte 0x36)");
    char small[8];
    EXPECT_GT(describe(diag, small, sizeof(small)), sizeof(small));
    EXPECT_STREQ(small, "ELF: e_");
}

TEST(ElfImage, TruncatedHeaderReportsTheSize) {
    ElfBuilder b = ElfBuilder::static_exec();
    Diagnostic diag;
    auto r = parse_elf(b.span().first(40), &diag);
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), ENOEXEC);
    EXPECT_EQ(diag.offset, 40u);
    EXPECT_TRUE(parse_elf({}).is_error());
}

TEST(ElfImage, EveryTruncationIsRejectedCleanly) {
    ElfBuilder b = ElfBuilder::static_exec();
    for (size_t n = 0; n < 0x1100; ++n) {
        Diagnostic diag;
        auto r = parse_elf(b.span().first(n), &diag);
        ASSERT_TRUE(r.is_error()) << n;
        EXPECT_EQ(r.error().code(), ENOEXEC);
        EXPECT_NE(diag.reason, nullptr);
        EXPECT_LE(diag.offset, b.span().size());
    }
    EXPECT_TRUE(parse_elf(b.span().first(0x1100)).is_ok());
}

TEST(ElfImage, RandomCorruptionNeverCrashes) {
    std::mt19937_64 rng(12345);
    ElfBuilder base = ElfBuilder::static_exec();
    base.put_string(0x800, "/lib/ld.so");
    base.add_phdr(f::kPtInterp, f::kPfR, 0x800, 0x400800, 11, 11, 1);
    base.add_phdr(f::kPtTls, f::kPfR, 0x1000, 0x401000, 0x10, 0x20, 8);
    int rejected = 0;
    for (int iter = 0; iter < 20000; ++iter) {
        std::vector<std::byte> img = base.bytes();
        int flips = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < flips; ++i) {
            size_t at = rng() % 0x180;  // the header and the program header table
            img[at] = std::byte(static_cast<uint8_t>(rng()));
        }
        Diagnostic diag;
        auto r = parse_elf(img, &diag);
        if (r.is_ok()) {
            // Whatever is accepted keeps the invariants the loader relies on.
            auto segs = r.value().segments();
            for (size_t i = 0; i < segs.size(); ++i) {
                EXPECT_LE(segs[i].filesz, segs[i].memsz);
                EXPECT_LE(segs[i].file_offset + segs[i].filesz, img.size());
                EXPECT_LE(segs[i].pages().end.value(), kUserAddressLimit);
                if (i > 0) {
                    EXPECT_LE(segs[i - 1].pages().end, segs[i].pages().start);
                }
            }
        } else {
            ++rejected;
            EXPECT_EQ(r.error().code(), ENOEXEC);
            EXPECT_NE(diag.reason, nullptr);
            EXPECT_LE(diag.offset, img.size());
        }
    }
    EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace kernel::elf
