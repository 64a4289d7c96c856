// Kernel heap: every size class, alignment, slab reuse and reclaim, exhaustion, misuse.
#include <ostd/mm/heap.h>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <ostd/mm/frame.h>

#include "mm/init.h"
#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

bool aligned(const void* p, size_t a) {
    return reinterpret_cast<uintptr_t>(p) % a == 0;
}

TEST(Heap, EverySizeClassAndLarge) {
    in_kernel([] {
        const size_t sizes[] = {1,    8,    15,   16,    17,    31,     32,      33,     64,   100,
                                128,  255,  256,  500,   512,   1000,   1024,    2000,   2048, 2049,
                                4095, 4096, 4097, 10000, 65536, 100000, 1 << 20, 4 << 20};
        for (size_t size : sizes) {
            void* p = heap::alloc(size);
            ASSERT_NE(p, nullptr) << size;
            EXPECT_GE(heap::usable_size(p), size);
            EXPECT_TRUE(aligned(p, size >= 16 ? 16 : 8)) << size;
            std::memset(p, 0x5a, size);  // ASan checks the whole object is addressable
            EXPECT_EQ(heap::stats().live_objects, 1u);
            heap::free(p);
            EXPECT_EQ(heap::stats().live_objects, 0u);
        }
        EXPECT_EQ(heap::stats().large_frames, 0u);
    });
}

TEST(Heap, SizeClassesArePowersOfTwo) {
    in_kernel([] {
        void* a = heap::alloc(1);
        void* b = heap::alloc(17);
        void* c = heap::alloc(2048);
        void* d = heap::alloc(3000);
        EXPECT_EQ(heap::usable_size(a), 16u);
        EXPECT_EQ(heap::usable_size(b), 32u);
        EXPECT_EQ(heap::usable_size(c), 2048u);
        EXPECT_EQ(heap::usable_size(d), kPageSize);
        for (void* p : {a, b, c, d})
            heap::free(p);
    });
}

TEST(Heap, Alignment) {
    in_kernel([] {
        for (size_t align = 1; align <= 64 * 1024; align <<= 1) {
            void* p = heap::alloc(24, align);
            ASSERT_NE(p, nullptr) << align;
            EXPECT_TRUE(aligned(p, align)) << align;
            void* q = heap::alloc(5000, align);
            ASSERT_NE(q, nullptr) << align;
            EXPECT_TRUE(aligned(q, align)) << align;
            heap::free(p);
            heap::free(q);
        }
        EXPECT_EQ(heap::alloc(16, 3), nullptr) << "alignment must be a power of two";
        EXPECT_EQ(heap::alloc(0), nullptr);
        EXPECT_EQ(heap::alloc((4 << 20) + 1), nullptr) << "larger than the largest block";
    });
}

TEST(Heap, ManyObjectsDoNotOverlapAndSlabsAreReclaimed) {
    in_kernel([] {
        uint64_t free_before = frame_stats().free_frames;
        uint64_t classes_used = 0;
        for (size_t size : {16u, 64u, 1024u, 2048u}) {
            ++classes_used;
            std::vector<uint32_t*> objs;
            for (uint32_t i = 0; i < 3000; ++i) {
                auto* p = static_cast<uint32_t*>(heap::alloc(size));
                ASSERT_NE(p, nullptr);
                for (size_t w = 0; w < size / 4; ++w)
                    p[w] = i;
                objs.push_back(p);
            }
            EXPECT_GE(heap::stats().slab_frames, 3000 * size / kPageSize);
            for (uint32_t i = 0; i < objs.size(); ++i)
                for (size_t w = 0; w < size / 4; ++w)
                    ASSERT_EQ(objs[i][w], i);
            // Free in an interleaved order to exercise the free lists.
            for (size_t i = 0; i < objs.size(); i += 2)
                heap::free(objs[i]);
            for (size_t i = 1; i < objs.size(); i += 2)
                heap::free(objs[i]);
            EXPECT_LE(heap::stats().slab_frames, classes_used)
                << "empty slabs go back to the frames, but one per class stays cached";
        }
        EXPECT_LE(frame_stats().free_frames, free_before);
        EXPECT_GE(frame_stats().free_frames + 4, free_before)
            << "at most one cached slab per class";
    });
}

TEST(Heap, FreedObjectIsReused) {
    in_kernel([] {
        void* p = heap::alloc(128);
        heap::free(p);
        void* q = heap::alloc(128);
        EXPECT_EQ(p, q) << "LIFO free list";
        heap::free(q);
    });
}

TEST(Heap, ExhaustionReturnsNullThenRecovers) {
    in_kernel([] {
        std::vector<Segment> held;
        while (auto s = Segment::alloc({.count = 1, .zero = ZeroFill::kUninit}))
            held.push_back(s.release_value());
        EXPECT_EQ(heap::alloc(8192), nullptr);
        EXPECT_EQ(heap::alloc(512), nullptr) << "no slab and no frame for a new one";
        held.clear();
        void* p = heap::alloc(512);
        EXPECT_NE(p, nullptr);
        heap::free(p);
    });
}

TEST(Heap, LeakedObjectsAreReported) {
    in_kernel([] { (void)heap::alloc(64); });
    EXPECT_EQ(ostd::detail::last_mm_leak_report().heap_objects, 1u);
}

using HeapDeathTest = ::testing::Test;

#if defined(ORRERY_ASAN) || defined(ORRERY_DEBUG)
// Detected through ASan poisoning or, in debug builds, a walk of the slab's free list.
TEST_F(HeapDeathTest, DoubleFreePanics) {
    EXPECT_DEATH(in_kernel([] {
                     void* keep = heap::alloc(64);  // keeps the slab alive
                     void* p = heap::alloc(64);
                     heap::free(p);
                     heap::free(p);
                     heap::free(keep);
                 }),
                 "double free of heap object");
}
#endif

TEST_F(HeapDeathTest, FreeOfForeignPointerPanics) {
    EXPECT_DEATH(in_kernel([] {
                     int on_stack = 0;
                     heap::free(&on_stack);
                 }),
                 "pointer outside the kernel heap");
    EXPECT_DEATH(in_kernel([] {
                     char* p = static_cast<char*>(heap::alloc(64));
                     heap::free(p + 16);
                 }),
                 "pointer inside an object");
}

#ifdef ORRERY_ASAN
TEST_F(HeapDeathTest, UseAfterFreeIsReportedByAsan) {
    EXPECT_DEATH(in_kernel([] {
                     void* keep = heap::alloc(64);
                     auto* p = static_cast<volatile char*>(heap::alloc(64));
                     p[3] = 1;
                     heap::free(const_cast<char*>(p));
                     (void)p[3];
                     heap::free(keep);
                 }),
                 "use-after-poison");
}
#endif

}  // namespace
