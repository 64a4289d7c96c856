// The allocators and VmSpace under concurrent use from several host threads (run under TSan too).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <ostd/mm/frame.h>
#include <ostd/mm/heap.h>
#include <ostd/mm/vm_io.h>
#include <ostd/mm/vm_space.h>

#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

constexpr int kThreads = 4;

TEST(MmConcurrency, FramesAndHeapFromManyThreads) {
    in_kernel([] {
        (void)heap::alloc(1);  // nothing: just make sure the heap is up before threads start
        uint64_t before = frame_stats().free_frames;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([t] {
                std::vector<Frame> frames;
                std::vector<void*> objs;
                for (int i = 0; i < 2000; ++i) {
                    frames.push_back(MUST(Frame::alloc({.zero = ZeroFill::kUninit})));
                    void* p = heap::alloc(16u << (i % 8));
                    ASSERT_NE(p, nullptr);
                    *static_cast<int*>(p) = t;
                    objs.push_back(p);
                    if (i % 3 == 0) {
                        Frame shared = frames[frames.size() / 2];  // refcount traffic
                        frames.pop_back();
                    }
                }
                for (void* p : objs) {
                    ASSERT_EQ(*static_cast<int*>(p), t);
                    heap::free(p);
                }
            });
        for (auto& th : threads)
            th.join();
        EXPECT_LE(frame_stats().free_frames, before);
        EXPECT_GE(frame_stats().free_frames + 8 * 4, before) << "only cached slabs remain";
        EXPECT_EQ(heap::stats().live_objects, 1u);
    });
}

TEST(MmConcurrency, MapUnmapAndCopyInOneSpace) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads - 1; ++t)
            threads.emplace_back([&, t] {
                const Vaddr base(0x1000000 + uint64_t(t) * 0x200000);
                for (int round = 0; round < 200; ++round) {
                    CursorMut c = MUST(s->cursor_mut(VaRange{base, base + 8 * kPageSize}));
                    for (int i = 0; i < 8; ++i)
                        MUST(c.map(MUST(Frame::alloc()), PageProperty::user(PageFlags::kRW)));
                    uint64_t v = uint64_t(round);
                    MUST(VmWriter::from_user(*s, base, 8).write_val(v));
                    EXPECT_EQ(MUST(VmReader::from_user(*s, base, 8).read_val<uint64_t>()), v);
                    c.jump(base);
                    EXPECT_EQ(c.unmap(8 * kPageSize), 8u);
                }
            });
        // A reader racing with the mappers: it may see EFAULT or data, never a crash.
        threads.emplace_back([&] {
            std::byte buf[64];
            while (!stop.load()) {
                auto r = VmReader::from_user(*s, Vaddr(0x1000000), sizeof buf).read(buf);
                if (r.is_error()) {
                    EXPECT_EQ(r.error(), EFAULT);
                }
            }
        });
        for (int t = 0; t < kThreads - 1; ++t)
            threads[t].join();
        stop = true;
        threads.back().join();
        EXPECT_EQ(s->page_table_pages(), 1u);
    });
}

}  // namespace
