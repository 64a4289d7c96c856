// Memory bring-up over a memory map with holes and reserved regions.
#include <gtest/gtest.h>

#include <vector>

#include <ostd/mm/frame.h>

#include "mm/init.h"
#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(MmInit, MemoryMapWithHolesAndReservedRegions) {
    in_kernel([] {
        // Re-run bring-up in this machine's RAM with a fancier map, then restore the real one.
        detail::teardown_mm();
        const MemoryRegion map[] = {
            {Paddr(0), 8 * kMiB, MemoryRegionKind::kUsable},
            {Paddr(8 * kMiB), 1 * kMiB, MemoryRegionKind::kReserved},
            {Paddr(9 * kMiB), 3 * kMiB, MemoryRegionKind::kUsable},
            {Paddr(12 * kMiB), 4 * kMiB, MemoryRegionKind::kInitramfs},
            {Paddr(16 * kMiB), 16 * kMiB, MemoryRegionKind::kUsable},
        };
        BootInfo fake = boot_info();
        fake.memory_map = map;
        detail::init_mm(fake);
        EXPECT_EQ(frame_stats().total_frames, (8 + 3 + 16) * kMiB / kPageSize);
        std::vector<Segment> held;
        while (auto s = Segment::alloc({.count = 1, .zero = ZeroFill::kUninit}))
            held.push_back(s.release_value());
        EXPECT_EQ(held.size(),
                  frame_stats().total_frames - detail::mm_reserved_frames());
        for (const Segment& s : held) {
            uint64_t pa = s.start_paddr().value();
            EXPECT_FALSE(pa >= 8 * kMiB && pa < 9 * kMiB) << "reserved region handed out";
            EXPECT_FALSE(pa >= 12 * kMiB && pa < 16 * kMiB) << "initramfs handed out";
            EXPECT_NE(pa, 0u);
        }
        held.clear();
        detail::teardown_mm();
        EXPECT_EQ(detail::last_mm_leak_report().frames, 0u);
        detail::init_mm(boot_info());
        EXPECT_EQ(frame_stats().total_frames, 32 * kMiB / kPageSize);
    });
}

}  // namespace
