// Load plans: page ranges, file ranges, zero ranges and auxv addresses for ET_EXEC (no bias)
// and ET_DYN (bias from the chosen base), and the planner's errors.
#include <kernel/elf/load_plan.h>

#include <gtest/gtest.h>

#include "elf_builder_test.inc"

namespace kernel::elf {
namespace {

using testing::ElfBuilder;
namespace f = format;

TEST(LoadPlan, StaticExecutableLoadsAtLinkAddresses) {
    ElfBuilder b = ElfBuilder::static_exec();
    auto img = parse_elf(b.span());
    ASSERT_TRUE(img.is_ok());
    auto r = plan_load(img.value(), ostd::Vaddr(0x7000000));  // ignored for ET_EXEC
    ASSERT_TRUE(r.is_ok());
    const LoadPlan& p = r.value();
    EXPECT_EQ(p.bias, 0u);
    EXPECT_EQ(p.entry.value(), 0x400100u);
    ASSERT_TRUE(p.phdr.has_value());
    EXPECT_EQ(p.phdr->value(), 0x400040u);
    EXPECT_EQ(p.phnum, 2u);
    EXPECT_EQ(p.phentsize, 56u);
    EXPECT_EQ(p.kind, ImageKind::kStatic);
    ASSERT_EQ(p.segments().size(), 2u);
    const PlannedSegment& text = p.segments()[0];
    EXPECT_EQ(text.pages.start.value(), 0x400000u);
    EXPECT_EQ(text.pages.end.value(), 0x401000u);
    EXPECT_EQ(text.file_offset, 0u);
    EXPECT_EQ(text.file_size, 0x1000u);
    EXPECT_TRUE(text.zero_fill().is_empty());
    EXPECT_EQ(text.prot, kProtRead | kProtExec);
    const PlannedSegment& data = p.segments()[1];
    EXPECT_EQ(data.pages.start.value(), 0x401000u);
    EXPECT_EQ(data.pages.end.value(), 0x403000u);
    EXPECT_EQ(data.file_offset, 0x1000u);
    EXPECT_EQ(data.file_size, 0x100u);
    EXPECT_EQ(data.file_backed().end.value(), 0x401100u);
    EXPECT_EQ(data.zero_fill().start.value(), 0x401100u);
    EXPECT_EQ(data.zero_fill().end.value(), 0x403000u);
    EXPECT_EQ(data.anon_pages().start.value(), 0x402000u);
    EXPECT_EQ(data.anon_pages().end.value(), 0x403000u);
    EXPECT_EQ(p.span.start.value(), 0x400000u);
    EXPECT_EQ(p.brk_start.value(), 0x403000u);
}

/// ET_DYN whose data segment starts mid-page (like real PIEs): RW at 0x2d70 from offset 0x1d70.
ElfBuilder pie() {
    ElfBuilder b(f::kEtDyn);
    b.put_string(0x800, "/lib/ld.so");
    b.add_phdr(f::kPtPhdr, f::kPfR, 64, 64, 4 * 56, 4 * 56, 8);
    b.add_phdr(f::kPtInterp, f::kPfR, 0x800, 0x800, 11, 11, 1);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfX, 0, 0, 0x1000, 0x1000, 0x1000);
    b.add_phdr(f::kPtLoad, f::kPfR | f::kPfW, 0x1d70, 0x2d70, 0x200, 0x1400, 0x1000);
    b.put(f::kEEntry, 0x400, 8);
    return b;
}

TEST(LoadPlan, PieIsBiasedByTheBase) {
    ElfBuilder b = pie();
    auto img = parse_elf(b.span());
    ASSERT_TRUE(img.is_ok());
    const uint64_t base = 0x555555554000;
    auto r = plan_load(img.value(), ostd::Vaddr(base));
    ASSERT_TRUE(r.is_ok());
    const LoadPlan& p = r.value();
    EXPECT_EQ(p.bias, base);
    EXPECT_EQ(p.kind, ImageKind::kDynamic);
    EXPECT_EQ(p.interpreter, "/lib/ld.so");
    EXPECT_EQ(p.entry.value(), base + 0x400);
    EXPECT_EQ(p.phdr->value(), base + 64);
    const PlannedSegment& data = p.segments()[1];
    EXPECT_EQ(data.pages.start.value(), base + 0x2000);
    EXPECT_EQ(data.pages.end.value(), base + 0x5000);  // page_up(0x2d70 + 0x1400)
    EXPECT_EQ(data.file_offset, 0x1000u);
    EXPECT_EQ(data.file_size, 0xd70u + 0x200u);  // page prefix + p_filesz
    EXPECT_EQ(data.zero_fill().start.value(), base + 0x2f70);
    EXPECT_EQ(data.anon_pages().start.value(), base + 0x3000);
    EXPECT_EQ(p.span.end.value(), base + 0x5000);
    EXPECT_EQ(p.brk_start.value(), base + 0x5000);
    // The copied bytes stay inside the image.
    EXPECT_LE(data.file_offset + data.file_size, b.span().size());
}

TEST(LoadPlan, PieBaseMustHonourAlignment) {
    ElfBuilder b = pie();
    b.put(ElfBuilder::phdr_at(2) + f::kPAlign, 0x200000, 8);
    auto img = parse_elf(b.span());
    ASSERT_TRUE(img.is_ok());
    EXPECT_EQ(img.value().base_alignment(), 0x200000u);
    auto r = plan_load(img.value(), ostd::Vaddr(0x1000));
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), EINVAL);
    EXPECT_TRUE(plan_load(img.value(), ostd::Vaddr(0x400000)).is_ok());
}

TEST(LoadPlan, PieMustFitBelowTheUserLimit) {
    ElfBuilder b = pie();
    auto img = parse_elf(b.span());
    ASSERT_TRUE(img.is_ok());
    auto r = plan_load(img.value(), ostd::Vaddr(kUserAddressLimit - 0x1000));
    ASSERT_TRUE(r.is_error());
    EXPECT_EQ(r.error().code(), ENOMEM);
    EXPECT_EQ(plan_load(img.value(), ostd::Vaddr(~uint64_t{0xfff})).error().code(), ENOMEM);
    EXPECT_TRUE(plan_load(img.value(), ostd::Vaddr(kUserAddressLimit - 0x5000)).is_ok());
}

TEST(LoadPlan, ZeroFileSizeSegmentIsAllAnonymous) {
    ElfBuilder b = ElfBuilder::static_exec();
    b.put(ElfBuilder::phdr_at(1) + f::kPFilesz, 0, 8);
    auto img = parse_elf(b.span());
    ASSERT_TRUE(img.is_ok());
    auto p = plan_load(img.value(), ostd::Vaddr(0));
    ASSERT_TRUE(p.is_ok());
    const PlannedSegment& bss = p.value().segments()[1];
    EXPECT_EQ(bss.file_size, 0u);
    EXPECT_TRUE(bss.file_backed().is_empty());
    EXPECT_EQ(bss.anon_pages().start, bss.pages.start);
}

}  // namespace
}  // namespace kernel::elf
