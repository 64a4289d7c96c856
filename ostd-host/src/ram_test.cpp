// The emulated RAM between machines: a machine of the same size reuses the last one's memfd and
// mapping, and finds it all zero whatever the last machine wrote, freed or leaked.
#include <ostd/mm/frame.h>
#include <ostd/mm/heap.h>

#include <gtest/gtest.h>

#include <cstring>
#include <new>

#include "hal/mem.h"
#include "kernel_env.h"
#include "ram.h"

namespace {

using orrery::testing::run_in_kernel;
using orrery::testing::small_machine;

// Dirties RAM every way a machine can: heap objects freed and leaked, frames kept to the end.
void scribble() {
    for (int i = 0; i < 64; ++i) {
        void* p = ostd::heap::alloc(3000 + 512 * static_cast<size_t>(i));
        ASSERT_NE(p, nullptr);
        memset(p, 0xa5, 3000);
        if (i % 4) ostd::heap::free(p);  // every fourth one leaks
    }
    // Frames never released, like an input stopped as hung (the leak report warns): handles in
    // storage that is never destroyed.
    alignas(ostd::Frame) static unsigned char kept[16][sizeof(ostd::Frame)];
    for (auto& slot : kept) {
        auto* f = new (slot) ostd::Frame(MUST(ostd::Frame::alloc({.zero = ostd::ZeroFill::kUninit})));
        memset(ostd::hal::phys_to_virt(f->paddr()), 0x5a, ostd::kPageSize);
    }
}

TEST(RamReset, NextMachineFindsZeroedRam) {
    auto config = small_machine();
    config.native_user = false;
    EXPECT_EQ(run_in_kernel(scribble, config), 0);
    EXPECT_TRUE(ostd::host::ram_retained_is_zero());
    std::byte* first = nullptr;
    EXPECT_EQ(run_in_kernel([&] { first = ostd::hal::phys_to_virt(ostd::Paddr(0)); }, config), 0);
    EXPECT_TRUE(ostd::host::ram_retained_is_zero());
    // Same size: the same mapping again.
    std::byte* second = nullptr;
    EXPECT_EQ(run_in_kernel([&] { second = ostd::hal::phys_to_virt(ostd::Paddr(0)); }, config),
              0);
    EXPECT_EQ(first, second);
}

TEST(RamReset, OtherSizeGetsFreshRam) {
    auto config = small_machine();
    EXPECT_EQ(run_in_kernel(scribble, config), 0);
    config.mem_bytes = uint64_t{16} << 20;
    uint64_t size = 0;
    EXPECT_EQ(run_in_kernel([&] { size = ostd::hal::ram_size(); }, config), 0);
    EXPECT_EQ(size, uint64_t{16} << 20);
    EXPECT_TRUE(ostd::host::ram_retained_is_zero());
}

}  // namespace
