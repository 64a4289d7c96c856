// VmSpace and cursors: mapping across table boundaries, protect/unmap splitting, table reclaim,
// TLB batching, and misuse panics.
#include <ostd/mm/vm_space.h>

#include <gtest/gtest.h>

#include <vector>

#include "hal/tlb.h"
#include "mm/mm_test_util.h"
#include "mm/page_table.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

constexpr PageProperty kRw = PageProperty::user(PageFlags::kRW);
constexpr PageProperty kRo = PageProperty::user(PageFlags::kR);

Ref<VmSpace> new_space() {
    return MUST(VmSpace::create());
}

CursorMut cursor_at(VmSpace& s, uint64_t start, uint64_t end) {
    return MUST(s.cursor_mut(VaRange{Vaddr(start), Vaddr(end)}));
}

void map_pages(VmSpace& s, uint64_t va, size_t n, PageProperty prop = kRw) {
    CursorMut c = cursor_at(s, va, va + n * kPageSize);
    for (size_t i = 0; i < n; ++i)
        MUST(c.map(MUST(Frame::alloc()), prop));
}

std::optional<MappedPage> query(VmSpace& s, uint64_t va) {
    Cursor c = MUST(s.cursor(VaRange{Vaddr(va), Vaddr(va + kPageSize)}));
    return c.query();
}

TEST(VmSpace, MapQueryUnmapFirstAndLastUserPage) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        EXPECT_EQ(s->page_table_pages(), 1u);
        for (uint64_t va : {kUserStart.value(), kUserEnd.value() - kPageSize}) {
            Frame f = MUST(Frame::alloc());
            CursorMut c = cursor_at(*s, va, va + kPageSize);
            MUST(c.map(f, kRw));
            EXPECT_EQ(c.virt_addr().value(), va + kPageSize) << "map advances";
            EXPECT_EQ(f.ref_count(), 2u) << "the mapping holds a reference";
            auto q = query(*s, va);
            ASSERT_TRUE(q.has_value());
            EXPECT_EQ(q->frame.paddr(), f.paddr());
            EXPECT_EQ(q->prop.flags, PageFlags::kRW);
            EXPECT_EQ(q->prop.priv, PrivilegeFlags::kUser);
            EXPECT_FALSE(query(*s, va == kUserStart.value() ? va + kPageSize : va - kPageSize));
            q.reset();
            c.jump(Vaddr(va));
            EXPECT_EQ(c.unmap(kPageSize), 1u);
            c.flush_tlb();
            EXPECT_EQ(f.ref_count(), 1u) << "unmapping drops the reference after the flush";
            EXPECT_FALSE(query(*s, va));
            EXPECT_EQ(s->page_table_pages(), 1u) << "empty tables are freed";
        }
    });
}

TEST(VmSpace, TableBoundaries2MiBAnd1GiB) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        map_pages(*s, 0x200000 - kPageSize, 2);               // straddles a PT (2 MiB) boundary
        EXPECT_EQ(s->page_table_pages(), 1u + 1u + 1u + 2u);  // PML4, PDPT, PD, 2 PTs
        map_pages(*s, 0x40000000 - kPageSize, 2);             // straddles a PD (1 GiB) boundary
        EXPECT_EQ(s->page_table_pages(), 5u + 2u + 1u);       // +2 PTs, +1 PD
        for (uint64_t va : {0x1ff000ul, 0x200000ul, 0x3ffff000ul, 0x40000000ul})
            EXPECT_TRUE(query(*s, va).has_value()) << std::hex << va;
        CursorMut c = cursor_at(*s, 0x100000, 0x40100000);
        EXPECT_EQ(c.unmap(0x40000000), 4u);
        EXPECT_EQ(s->page_table_pages(), 1u);
    });
}

TEST(VmSpace, PageTable512GiBBoundary) {
    in_kernel([] {
        // Beyond the user window, so exercised on the page table directly.
        auto pt = MUST(detail::PageTable::create());
        TlbFlusher flusher(pt.root_paddr());
        const uint64_t boundary = uint64_t{1} << 39;
        MUST(pt.map(boundary - kPageSize, MUST(Frame::alloc()), kRw));
        MUST(pt.map(boundary, MUST(Frame::alloc()), kRw));
        EXPECT_EQ(pt.table_pages(), 1u + 2u * 3u);
        EXPECT_TRUE(pt.query(boundary).has_value());
        // Skips whole unpopulated PML4/PDPT/PD entries and the PT's empty slots.
        EXPECT_EQ(pt.next_populated(0, boundary), boundary - kPageSize);
        EXPECT_EQ(pt.next_populated(0, boundary - kPageSize), boundary - kPageSize);
        EXPECT_EQ(pt.next_populated(boundary - (2u << 20), boundary + kPageSize),
                  boundary - kPageSize);
        EXPECT_EQ(pt.next_populated(boundary + kPageSize, boundary + (4u << 20)),
                  boundary + (4u << 20));
        // Inside one leaf table: a used slot before the start is not reported, one at the end
        // is only if the range covers it, and an unaligned end covers its page.
        MUST(pt.map(boundary + 8 * kPageSize, MUST(Frame::alloc()), kRw));
        EXPECT_EQ(pt.next_populated(boundary + kPageSize, boundary + 8 * kPageSize),
                  boundary + 8 * kPageSize);
        EXPECT_EQ(pt.next_populated(boundary + kPageSize, boundary + 8 * kPageSize + 1),
                  boundary + 8 * kPageSize);
        EXPECT_EQ(pt.next_populated(boundary + 100, boundary + 9 * kPageSize), boundary + 100);
        EXPECT_EQ(pt.next_populated(boundary + 9 * kPageSize, boundary + (1u << 30)),
                  boundary + (1u << 30));
        EXPECT_TRUE(pt.unmap(boundary + 8 * kPageSize, flusher));
        EXPECT_TRUE(pt.unmap(boundary - kPageSize, flusher));
        EXPECT_EQ(pt.table_pages(), 4u);
        EXPECT_FALSE(pt.unmap(boundary - kPageSize, flusher));
        EXPECT_TRUE(pt.unmap(boundary, flusher));
        EXPECT_EQ(pt.table_pages(), 1u);
        // The last page of the lower half.
        MUST(pt.map(detail::kPtLowerHalfEnd - kPageSize, MUST(Frame::alloc()), kRw));
        EXPECT_EQ(pt.table_pages(), 4u);
    });
}

TEST(VmSpace, EntryEncodingIsX86) {
    uint64_t e = detail::encode_pte(0x1234, kRw);
    EXPECT_EQ(e,
              (0x1234ull << 12) | detail::kPteP | detail::kPteRw | detail::kPteUs | detail::kPteNx);
    EXPECT_EQ(detail::decode_pte(e), kRw);
    PageProperty rx{PageFlags::kRX, CachePolicy::kUncacheable,
                    PrivilegeFlags::kKernel | PrivilegeFlags::kGlobal};
    e = detail::encode_pte(1, rx);
    EXPECT_EQ(e & detail::kPteNx, 0u);
    EXPECT_EQ(e & (detail::kPtePcd | detail::kPtePwt | detail::kPteG),
              detail::kPtePcd | detail::kPtePwt | detail::kPteG);
    EXPECT_EQ(e & detail::kPteUs, 0u);
    EXPECT_EQ(detail::decode_pte(e), rx);
    PageProperty none = PageProperty::user(PageFlags::kNone);
    e = detail::encode_pte(1, none);
    EXPECT_EQ(e & detail::kPteP, 0u);
    EXPECT_TRUE(detail::pte_used(e));
    EXPECT_EQ(detail::decode_pte(e), none);
}

TEST(VmSpace, ProtectAndUnmapSplitARange) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        const uint64_t base = 0x400000;
        map_pages(*s, base, 10);
        CursorMut c = cursor_at(*s, base, base + 10 * kPageSize);
        c.jump(Vaddr(base + 3 * kPageSize));
        EXPECT_EQ(c.protect(3 * kPageSize, kRo), 3u);
        for (int i = 0; i < 10; ++i)
            EXPECT_EQ(query(*s, base + i * kPageSize)->prop.flags,
                      (i >= 3 && i < 6) ? PageFlags::kR : PageFlags::kRW)
                << i;
        c.jump(Vaddr(base + 4 * kPageSize));
        EXPECT_EQ(c.unmap(2 * kPageSize), 2u);  // punches a hole in the protected part
        c.jump(Vaddr(base));
        // Protect over the hole: only mapped pages count.
        EXPECT_EQ(c.protect_with(
                      10 * kPageSize,
                      [](PageProperty old, void*) {
                          old.flags = old.flags & ~PageFlags::kW;
                          return old;
                      },
                      nullptr),
                  8u);
        for (int i = 0; i < 10; ++i) {
            auto q = query(*s, base + i * kPageSize);
            EXPECT_EQ(q.has_value(), i != 4 && i != 5) << i;
            if (q) {
                EXPECT_EQ(q->prop.flags, PageFlags::kR) << i;
            }
        }
        c.jump(Vaddr(base));
        EXPECT_EQ(c.unmap(10 * kPageSize), 8u) << "munmap-like: holes are allowed";
        EXPECT_EQ(s->page_table_pages(), 1u);
    });
}

TEST(VmSpace, ProtNoneKeepsTheFrame) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        Frame f = MUST(Frame::alloc());
        CursorMut c = cursor_at(*s, 0x10000, 0x11000);
        MUST(c.map(f, kRw));
        c.jump(Vaddr(0x10000));
        EXPECT_EQ(c.protect(kPageSize, PageProperty::user(PageFlags::kNone)), 1u);
        c.jump(Vaddr(0x10000));
        auto q = c.query();
        ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->prop.flags, PageFlags::kNone);
        EXPECT_EQ(q->frame.paddr(), f.paddr());
        EXPECT_EQ(f.ref_count(), 3u);  // f, the mapping, q
    });
}

TEST(VmSpace, AllFramesReturnWhenTheSpaceDies) {
    in_kernel([] {
        (void)new_space();  // warm the heap's slab caches (one empty slab per class stays)
        uint64_t before = frame_stats().free_frames;
        {
            Ref<VmSpace> s = new_space();
            map_pages(*s, 0x10000, 600);  // crosses a 2 MiB boundary
            map_pages(*s, 0x7f000000, 3);
            EXPECT_LT(frame_stats().free_frames, before - 603);
        }
        EXPECT_EQ(frame_stats().free_frames, before) << "pages and tables";
    });
}

TEST(VmSpace, PageTablePagesFreedWhenEmpty) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        uint64_t before = frame_stats().free_frames;
        map_pages(*s, 0x10000000, 1024);  // 2 PTs + PD + PDPT
        EXPECT_EQ(frame_stats().free_frames, before - 1024 - 4);
        {
            CursorMut c = cursor_at(*s, 0x10000000, 0x10000000 + 1024 * kPageSize);
            EXPECT_EQ(c.unmap(1024 * kPageSize), 1024u);
        }  // the cursor's flush drops the frames
        EXPECT_EQ(frame_stats().free_frames, before);
    });
}

TEST(VmSpace, TlbFlushesAreBatched) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        map_pages(*s, 0x800000, 64);
        auto before = hal::tlb_flush_counts();
        {
            CursorMut c = cursor_at(*s, 0x800000, 0x800000 + 64 * kPageSize);
            EXPECT_EQ(c.unmap(64 * kPageSize), 64u);
        }
        auto after = hal::tlb_flush_counts();
        uint64_t flushes = (after.ranges - before.ranges) + (after.full - before.full);
        EXPECT_GE(flushes, 1u);
        EXPECT_LE(flushes, 3u) << "64 adjacent pages merge into few range flushes";
    });
}

TEST(VmSpace, CursorRangeChecks) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        auto bad = [&](uint64_t a, uint64_t b) {
            return s->cursor_mut(VaRange{Vaddr(a), Vaddr(b)}).error() == EINVAL;
        };
        EXPECT_TRUE(bad(0x10001, 0x20000));
        EXPECT_TRUE(bad(0x10000, 0x20001));
        EXPECT_TRUE(bad(0x0, 0x20000)) << "below kUserStart";
        EXPECT_TRUE(bad(0x10000, kUserEnd.value() + kPageSize));
        EXPECT_TRUE(bad(0x20000, 0x20000)) << "empty";
        EXPECT_TRUE(bad(0x30000, 0x20000));
        EXPECT_EQ(s->cursor(VaRange{Vaddr(0xffff800000000000), Vaddr(0xffff800000001000)}).error(),
                  EINVAL);
    });
}

TEST(VmSpace, MapFailsWithEnomemAndRecovers) {
    in_kernel([] {
        Ref<VmSpace> s = new_space();
        Frame page = MUST(Frame::alloc());
        std::vector<Segment> held;
        while (auto f = Segment::alloc({.count = 1, .zero = ZeroFill::kUninit}))
            held.push_back(f.release_value());
        CursorMut c = cursor_at(*s, 0x100000, 0x200000);
        EXPECT_EQ(c.map(page, kRw).error(), ENOMEM) << "no frame for the page tables";
        EXPECT_EQ(s->page_table_pages(), 1u);
        held.pop_back();  // room for the PDPT and PD, but not the PT
        held.pop_back();
        EXPECT_EQ(c.map(page, kRw).error(), ENOMEM);
        EXPECT_EQ(s->page_table_pages(), 1u) << "tables made by a failed map are freed";
        EXPECT_EQ(frame_stats().free_frames, 2u);
        EXPECT_EQ(c.virt_addr().value(), 0x100000u);
        EXPECT_EQ(page.ref_count(), 1u);
        held.clear();
        MUST(c.map(page, kRw));
        EXPECT_EQ(page.ref_count(), 2u);
    });
}

using VmSpaceDeathTest = ::testing::Test;

TEST_F(VmSpaceDeathTest, MappingOverAMappingPanics) {
    EXPECT_DEATH(in_kernel([] {
                     Ref<VmSpace> s = new_space();
                     map_pages(*s, 0x10000, 1);
                     map_pages(*s, 0x10000, 1);
                 }),
                 "mapping over an existing mapping at 0x10000");
}

TEST_F(VmSpaceDeathTest, CursorMisusePanics) {
    EXPECT_DEATH(in_kernel([] {
                     Ref<VmSpace> s = new_space();
                     CursorMut c = cursor_at(*s, 0x10000, 0x11000);
                     MUST(c.map(MUST(Frame::alloc()), kRw));
                     MUST(c.map(MUST(Frame::alloc()), kRw));
                 }),
                 "past the end of its range");
    EXPECT_DEATH(in_kernel([] {
                     Ref<VmSpace> s = new_space();
                     CursorMut c = cursor_at(*s, 0x10000, 0x20000);
                     c.jump(Vaddr(0x30000));
                 }),
                 "outside its range or unaligned");
    EXPECT_DEATH(in_kernel([] {
                     Ref<VmSpace> s = new_space();
                     CursorMut c = cursor_at(*s, 0x10000, 0x20000);
                     (void)c.unmap(100);
                 }),
                 "unaligned or past the end");
}

}  // namespace
