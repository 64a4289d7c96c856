// TlbFlusher: range merging, degradation to a full flush, and frames dropped only after a flush.
#include <ostd/mm/tlb.h>

#include <gtest/gtest.h>

#include "hal/tlb.h"
#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

TEST(TlbFlusher, MergesAdjacentRanges) {
    auto before = hal::tlb_flush_counts();
    {
        TlbFlusher f(Paddr(0x1000));
        for (int i = 0; i < 100; ++i) f.add_range(Vaddr(0x400000 + i * kPageSize), kPageSize);
        EXPECT_TRUE(f.has_pending());
    }
    auto after = hal::tlb_flush_counts();
    EXPECT_EQ(after.ranges - before.ranges, 1u);
    EXPECT_EQ(after.full, before.full);
}

TEST(TlbFlusher, TooManyRangesBecomeOneFullFlush) {
    auto before = hal::tlb_flush_counts();
    TlbFlusher f(Paddr(0x1000));
    for (int i = 0; i < 9; ++i) f.add_range(Vaddr(0x400000 + i * 2 * kPageSize), kPageSize);
    f.flush();
    EXPECT_FALSE(f.has_pending());
    auto after = hal::tlb_flush_counts();
    EXPECT_EQ(after.full - before.full, 1u);
    EXPECT_EQ(after.ranges, before.ranges);
    f.flush();  // nothing pending: no work
    EXPECT_EQ(hal::tlb_flush_counts().full, after.full);
}

TEST(TlbFlusher, FramesLiveUntilTheFlush) {
    in_kernel([] {
        Frame a = MUST(Frame::alloc());
        TlbFlusher f(Paddr(0x1000));
        f.add_range(Vaddr(0x10000), kPageSize);
        f.defer_drop(a);
        EXPECT_EQ(a.ref_count(), 2u);
        TlbFlusher moved = std::move(f);
        EXPECT_FALSE(f.has_pending());
        EXPECT_EQ(a.ref_count(), 2u);
        moved.flush();
        EXPECT_EQ(a.ref_count(), 1u);
        // More deferred frames than the batch holds: an early flush keeps the count bounded.
        uint64_t free_before = frame_stats().free_frames;
        for (int i = 0; i < 100; ++i) moved.defer_drop(MUST(Frame::alloc()));
        EXPECT_GE(frame_stats().free_frames + 32, free_before);
        moved.flush();
        EXPECT_EQ(frame_stats().free_frames, free_before);
    });
}

}  // namespace
