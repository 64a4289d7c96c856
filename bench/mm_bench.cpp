// Memory-management micro-benchmarks: frames, heap, map/unmap, and user copies vs memcpy.
#include <benchmark/benchmark.h>

#include <cstring>
#include <functional>
#include <vector>

#include <ostd/mm/frame.h>
#include <ostd/mm/heap.h>
#include <ostd/mm/vm_io.h>
#include <ostd/mm/vm_space.h>

#include "hal/mem.h"
#include "kernel_env.h"

namespace {

using namespace ostd;

// Each benchmark run boots a small machine around its timing loop (the boot is not timed: the
// loop is inside). This keeps orrery_bench's main the shared benchmark_main.
void in_machine(const std::function<void()>& body) {
    auto config = orrery::testing::small_machine();
    config.mem_bytes = uint64_t{64} << 20;
    orrery::testing::run_in_kernel(body, config);
}

void BM_FrameAllocFree(benchmark::State& state) {
    in_machine([&] {
        for (auto _ : state) {
            Frame f = MUST(Frame::alloc({.zero = ZeroFill::kUninit}));
            benchmark::DoNotOptimize(f.pfn());
        }
    });
}
BENCHMARK(BM_FrameAllocFree);

void BM_FrameAllocFreeZeroed(benchmark::State& state) {
    in_machine([&] {
        for (auto _ : state) {
            Frame f = MUST(Frame::alloc());
            benchmark::DoNotOptimize(f.pfn());
        }
    });
}
BENCHMARK(BM_FrameAllocFreeZeroed);

void BM_HeapAllocFree(benchmark::State& state) {
    in_machine([&] {
        size_t size = static_cast<size_t>(state.range(0));
        for (auto _ : state) {
            void* p = heap::alloc(size);
            benchmark::DoNotOptimize(p);
            heap::free(p);
        }
    });
}
BENCHMARK(BM_HeapAllocFree)->Arg(64)->Arg(1024);

void BM_MapUnmapOnePage(benchmark::State& state) {
    in_machine([&] {
        Ref<VmSpace> space = MUST(VmSpace::create());
        Frame frame = MUST(Frame::alloc());
        const Vaddr va(0x400000);
        CursorMut c = MUST(space->cursor_mut(VaRange{va, va + kPageSize}));
        // Keep one neighbour mapped so the page-table pages stay (the common case).
        CursorMut keep = MUST(space->cursor_mut(VaRange{va + kPageSize, va + 2 * kPageSize}));
        MUST(keep.map(frame, PageProperty::user(PageFlags::kRW)));
        for (auto _ : state) {
            c.jump(va);
            MUST(c.map(frame, PageProperty::user(PageFlags::kRW)));
            c.jump(va);
            benchmark::DoNotOptimize(c.unmap(kPageSize));
            c.flush_tlb();
        }
    });
}
BENCHMARK(BM_MapUnmapOnePage);

constexpr size_t kCopyBytes = 64 * 1024;

void BM_VmWriter64K(benchmark::State& state) {
    in_machine([&] {
        Ref<VmSpace> space = MUST(VmSpace::create());
        const Vaddr va(0x1000000);
        CursorMut c = MUST(space->cursor_mut(VaRange{va, va + kCopyBytes}));
        for (size_t i = 0; i < kCopyBytes / kPageSize; ++i)
            MUST(c.map(MUST(Frame::alloc()), PageProperty::user(PageFlags::kRW)));
        std::vector<std::byte> src(kCopyBytes, std::byte{0x5a});
        for (auto _ : state) {
            VmWriter w = VmWriter::from_user(*space, va, kCopyBytes);
            benchmark::DoNotOptimize(MUST(w.write(src)));
        }
        state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kCopyBytes);
    });
}
BENCHMARK(BM_VmWriter64K);

void BM_VmReader64K(benchmark::State& state) {
    in_machine([&] {
        Ref<VmSpace> space = MUST(VmSpace::create());
        const Vaddr va(0x1000000);
        CursorMut c = MUST(space->cursor_mut(VaRange{va, va + kCopyBytes}));
        for (size_t i = 0; i < kCopyBytes / kPageSize; ++i)
            MUST(c.map(MUST(Frame::alloc()), PageProperty::user(PageFlags::kRW)));
        std::vector<std::byte> dst(kCopyBytes);
        for (auto _ : state) {
            VmReader r = VmReader::from_user(*space, va, kCopyBytes);
            benchmark::DoNotOptimize(MUST(r.read(dst)));
        }
        state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kCopyBytes);
    });
}
BENCHMARK(BM_VmReader64K);

void BM_Memcpy64K(benchmark::State& state) {
    in_machine([&] {
        // Same shape as BM_VmWriter64K: host buffer into 16 frames of emulated RAM.
        Segment seg = MUST(Segment::alloc({.count = kCopyBytes / kPageSize}));
        std::vector<std::byte> src(kCopyBytes, std::byte{0x5a});
        std::byte* dst = hal::phys_to_virt(seg.start_paddr());  // same RAM as the VmWriter's
        for (auto _ : state) {
            std::memcpy(dst, src.data(), kCopyBytes);
            benchmark::DoNotOptimize(dst);
            benchmark::ClobberMemory();
        }
        state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kCopyBytes);
    });
}
BENCHMARK(BM_Memcpy64K);

}  // namespace
