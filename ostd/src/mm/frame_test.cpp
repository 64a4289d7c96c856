// Frame allocator: buddy split/merge, exhaustion and recovery, refcounts, typed metadata, misuse.
#include <ostd/mm/frame.h>

#include <gtest/gtest.h>

#include <vector>

#include "hal/mem.h"
#include "mm/buddy.h"
#include "mm/frame_raw.h"
#include "mm/init.h"
#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

std::vector<uint64_t> block_counts() {
    std::vector<uint64_t> v;
    for (unsigned o = 0; o <= detail::kMaxOrder; ++o)
        v.push_back(detail::buddy_free_blocks(o));
    return v;
}

TEST(Frame, StatsAfterBoot) {
    in_kernel([] {
        FrameStats s = frame_stats();
        EXPECT_EQ(s.total_frames, (32u << 20) / kPageSize);
        EXPECT_EQ(s.free_frames, s.total_frames - detail::mm_reserved_frames());
        // Frame 0, the state frame(s) and the 512 KiB metadata array are reserved.
        EXPECT_GE(detail::mm_reserved_frames(), 1u + 128u);
        EXPECT_LT(detail::mm_reserved_frames(), 140u);
    });
}

TEST(Frame, AllocFreeRestoresCount) {
    in_kernel([] {
        uint64_t before = frame_stats().free_frames;
        {
            Frame f = MUST(Frame::alloc());
            EXPECT_NE(f.pfn().value(), 0u) << "frame 0 is reserved";
            EXPECT_EQ(frame_stats().free_frames, before - 1);
        }
        EXPECT_EQ(frame_stats().free_frames, before);
    });
}

TEST(Frame, BuddySplitsAndMerges) {
    in_kernel([] {
        auto before = block_counts();
        unsigned smallest = 0;
        while (smallest <= detail::kMaxOrder && before[smallest] == 0)
            ++smallest;
        ASSERT_LE(smallest, detail::kMaxOrder);
        {
            Frame f = MUST(Frame::alloc());
            auto after = block_counts();
            // The smallest free block was split: one buddy left at each lower order.
            EXPECT_EQ(after[smallest], before[smallest] - 1);
            for (unsigned o = 0; o < smallest; ++o)
                EXPECT_EQ(after[o], 1u) << "order " << o;
        }
        EXPECT_EQ(block_counts(), before) << "freeing must merge the buddies back";
    });
}

TEST(Frame, ZeroedAllocationIsZero) {
    in_kernel([] {
        std::vector<std::byte> pattern(kPageSize, std::byte{0xab});
        {
            Frame f = MUST(Frame::alloc({.zero = ZeroFill::kUninit}));
            f.copy_from(0, pattern);
        }
        Frame g = MUST(Frame::alloc());
        std::vector<std::byte> out(kPageSize, std::byte{1});
        g.copy_to(0, out);
        for (auto b : out)
            ASSERT_EQ(b, std::byte{0});
    });
}

TEST(Frame, SegmentAlignmentAndTailReturn) {
    in_kernel([] {
        uint64_t before = frame_stats().free_frames;
        Segment s = MUST(Segment::alloc({.count = 3, .align_frames = 8}));
        EXPECT_EQ(s.start_paddr().value() % (8 * kPageSize), 0u);
        EXPECT_EQ(s.nframes(), 3u);
        EXPECT_EQ(s.size(), 3 * kPageSize);
        EXPECT_EQ(frame_stats().free_frames, before - 3) << "the unused tail goes back";
        Frame mid = s.frame(1);
        EXPECT_EQ(mid.paddr(), s.start_paddr() + kPageSize);
        EXPECT_EQ(mid.ref_count(), 2u);
        Segment tail = s.slice(1, 2);
        EXPECT_EQ(mid.ref_count(), 3u);
        s = MUST(Segment::alloc({.count = 1}));  // drops the first reference to all 3 frames
        EXPECT_EQ(mid.ref_count(), 2u);
        // Old frame 0 is free again; frames 1-2 live on in mid/tail; the new s holds one.
        EXPECT_EQ(frame_stats().free_frames, before - 3);
    });
}

TEST(Frame, BadOptions) {
    in_kernel([] {
        EXPECT_EQ(Frame::alloc({.count = 2}).error(), EINVAL);
        EXPECT_EQ(Frame::alloc({.align_frames = 3}).error(), EINVAL);
        EXPECT_EQ(Segment::alloc({.count = 0}).error(), EINVAL);
        EXPECT_EQ(Segment::alloc({.count = 1025}).error(), ENOMEM);
        EXPECT_EQ(Segment::alloc({.count = 1, .align_frames = 2048}).error(), EINVAL);
    });
}

TEST(Frame, ExhaustionThenRecovery) {
    in_kernel([] {
        auto blocks = block_counts();
        uint64_t before = frame_stats().free_frames;
        std::vector<Segment> held;
        for (;;) {  // big chunks first, then single frames
            auto s = Segment::alloc({.count = 256, .zero = ZeroFill::kUninit});
            if (s.is_error()) break;
            held.push_back(s.release_value());
        }
        for (;;) {
            auto s = Segment::alloc({.count = 1, .zero = ZeroFill::kUninit});
            if (s.is_error()) {
                EXPECT_EQ(s.error(), ENOMEM);
                break;
            }
            held.push_back(s.release_value());
        }
        EXPECT_EQ(frame_stats().free_frames, 0u);
        uint64_t reserved_end = detail::mm_reserved_frames();  // frame 0 + bookkeeping after it
        for (const Segment& s : held)
            ASSERT_GE(s.start_paddr().value() / kPageSize, reserved_end)
                << "frame 0 and the metadata frames are never handed out";
        EXPECT_EQ(Frame::alloc().error(), ENOMEM);
        EXPECT_EQ(Segment::alloc({.count = 2}).error(), ENOMEM);
        held.clear();
        EXPECT_EQ(frame_stats().free_frames, before);
        EXPECT_EQ(block_counts(), blocks);
        Frame f = MUST(Frame::alloc());
        EXPECT_EQ(f.ref_count(), 1u);
    });
}

TEST(Frame, RefcountsFollowCopies) {
    in_kernel([] {
        uint64_t before = frame_stats().free_frames;
        Frame a = MUST(Frame::alloc());
        {
            Frame b = a;
            EXPECT_EQ(a.ref_count(), 2u);
            Frame c = std::move(b);
            EXPECT_EQ(a.ref_count(), 2u);
        }
        EXPECT_EQ(a.ref_count(), 1u);
        EXPECT_EQ(frame_stats().free_frames, before - 1);
    });
}

struct InodeMeta {
    uint32_t ino;
    uint16_t flags;
};
struct OtherMeta {
    uint64_t x;
};

TEST(Frame, TypedMetadata) {
    in_kernel([] {
        Frame f = MUST(Frame::alloc_with_meta(InodeMeta{42, 7}));
        EXPECT_TRUE(f.has_meta<InodeMeta>());
        EXPECT_FALSE(f.has_meta<OtherMeta>());
        EXPECT_EQ(f.meta<InodeMeta>().ino, 42u);
        Frame copy = f;
        copy.meta<InodeMeta>().flags = 9;
        EXPECT_EQ(f.meta<InodeMeta>().flags, 9u);
        Frame plain = MUST(Frame::alloc());
        EXPECT_FALSE(plain.has_meta<InodeMeta>());
    });
}

TEST(Frame, LeakReportAtTeardown) {
    in_kernel([] { (void)FrameRaw::into_raw(MUST(Frame::alloc())); });
    EXPECT_EQ(detail::last_mm_leak_report().frames, 1u);
    in_kernel([] { Frame f = MUST(Frame::alloc()); });
    EXPECT_EQ(detail::last_mm_leak_report().frames, 0u);
}

TEST(Frame, ManyMachinesInARow) {
    for (int i = 0; i < 5; ++i)
        in_kernel(
            [] {
                Segment s = MUST(Segment::alloc({.count = 64}));
                EXPECT_EQ(s.nframes(), 64u);
            },
            16 + 8 * i);
}

using FrameDeathTest = ::testing::Test;

TEST_F(FrameDeathTest, MetadataTypeMismatchPanics) {
    EXPECT_DEATH(in_kernel([] {
                     Frame f = MUST(Frame::alloc_with_meta(InodeMeta{1, 2}));
                     (void)f.meta<OtherMeta>();
                 }),
                 "metadata type mismatch");
    EXPECT_DEATH(in_kernel([] {
                     Frame f = MUST(Frame::alloc());
                     (void)f.meta<OtherMeta>();
                 }),
                 "allocated without metadata");
}

TEST_F(FrameDeathTest, DoubleFreePanics) {
    EXPECT_DEATH(in_kernel([] {
                     uint64_t pfn = FrameRaw::into_raw(MUST(Frame::alloc()));
                     (void)FrameRaw::from_raw(pfn);  // the last reference: frees the frame
                     (void)FrameRaw::from_raw(pfn);  // a second time
                 }),
                 "double free of frame");
}

TEST_F(FrameDeathTest, OutOfRangeCopyPanics) {
    EXPECT_DEATH(in_kernel([] {
                     Frame f = MUST(Frame::alloc());
                     std::byte b[8] = {};
                     f.copy_from(kPageSize - 4, b);
                 }),
                 "copy_from range leaves the frame");
}

#ifdef ORRERY_ASAN
TEST_F(FrameDeathTest, UseAfterFreeIsReportedByAsan) {
    EXPECT_DEATH(in_kernel([] {
                     volatile std::byte* p;
                     {
                         Frame f = MUST(Frame::alloc());
                         p = hal::phys_to_virt(f.paddr());
                         p[10] = std::byte{1};  // fine while allocated
                     }
                     (void)p[10];  // the frame is free again
                 }),
                 "use-after-poison");
}
#endif

}  // namespace
