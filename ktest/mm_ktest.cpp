// Memory ktests, run on both backends: frames and segments, the heap, page tables through
// VmSpace cursors, and VmReader/VmWriter including EFAULT for bad user pointers.
#include <ostd/ktest.h>

#include <cstring>

#include <ostd/mm/frame.h>
#include <ostd/mm/heap.h>
#include <ostd/mm/vm_io.h>
#include <ostd/mm/vm_space.h>

namespace {

using namespace ostd;

constexpr uint64_t kBase = 0x100000;
constexpr PageProperty kRw = PageProperty::user(PageFlags::kRW);

bool map_pages(VmSpace& s, uint64_t va, size_t n, PageProperty prop = kRw) {
    auto c = s.cursor_mut(VaRange{Vaddr(va), Vaddr(va + n * kPageSize)});
    if (c.is_error()) return false;
    for (size_t i = 0; i < n; ++i) {
        auto f = Frame::alloc();
        if (f.is_error() || c.value().map(std::move(f.value()), prop).is_error()) return false;
    }
    return true;
}

}  // namespace

KTEST(Frames, AllocRefcountFree) {
    uint64_t free0 = frame_stats().free_frames;
    {
        auto f = Frame::alloc();
        KASSERT_OK(f);
        Frame a = std::move(f.value());
        KEXPECT_EQ(a.ref_count(), 1u);
        KEXPECT_EQ(frame_stats().free_frames, free0 - 1);
        {
            Frame b = a;
            KEXPECT_EQ(a.ref_count(), 2u);
            KEXPECT_EQ(b.paddr().value(), a.paddr().value());
        }
        KEXPECT_EQ(a.ref_count(), 1u);
        KEXPECT_EQ(a.paddr().value() % kPageSize, 0u);
        // A fresh frame's bytes can be written and read back.
        std::byte in[16], out[16];
        for (int i = 0; i < 16; ++i) in[i] = std::byte(i * 3);
        a.copy_from(100, in);
        a.copy_to(100, out);
        KEXPECT_EQ(std::memcmp(in, out, sizeof in), 0);
    }
    KEXPECT_EQ(frame_stats().free_frames, free0);
}

KTEST(Frames, SegmentsAreContiguousAndBounded) {
    auto s = Segment::alloc(FrameAllocOptions{.count = 16});
    KASSERT_OK(s);
    KEXPECT_EQ(s.value().nframes(), 16u);
    for (size_t i = 0; i < 16; ++i)
        KEXPECT_EQ(s.value().frame(i).paddr().value(), s.value().start_paddr().value() + i * kPageSize);
    KEXPECT_ERRNO(Segment::alloc(FrameAllocOptions{.count = 0}), EINVAL);
    KEXPECT_ERRNO(Segment::alloc(FrameAllocOptions{.count = 4096}), ENOMEM);
}

KTEST(Heap, SizesAlignmentAndReuse) {
    uint64_t live0 = heap::stats().live_objects;
    void* ptrs[12];
    size_t sizes[12] = {1, 8, 16, 24, 64, 100, 512, 1000, 2048, 4096, 10000, 70000};
    for (int i = 0; i < 12; ++i) {
        ptrs[i] = heap::alloc(sizes[i]);
        KASSERT(ptrs[i] != nullptr);
        KEXPECT_GE(heap::usable_size(ptrs[i]), sizes[i]);
        KEXPECT_EQ(reinterpret_cast<uintptr_t>(ptrs[i]) % 8, 0u);
        std::memset(ptrs[i], i, sizes[i]);
    }
    KEXPECT_EQ(heap::stats().live_objects, live0 + 12);
    for (int i = 0; i < 12; ++i) {
        auto* b = static_cast<unsigned char*>(ptrs[i]);
        KEXPECT_EQ(b[0], i);
        KEXPECT_EQ(b[sizes[i] - 1], i);
        heap::free(ptrs[i]);
    }
    void* aligned = heap::alloc(256, 256);
    KEXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 256, 0u);
    heap::free(aligned);
    KEXPECT_EQ(heap::stats().live_objects, live0);
}

KTEST(VmSpace, MapQueryUnmap) {
    auto s = VmSpace::create();
    KASSERT_OK(s);
    VmSpace& vs = *s.value();
    KASSERT(map_pages(vs, kBase, 3));
    {
        auto c = vs.cursor(VaRange{Vaddr(kBase), Vaddr(kBase + 4 * kPageSize)});
        KASSERT_OK(c);
        KEXPECT(c.value().query().has_value());
        c.value().jump(Vaddr(kBase + 3 * kPageSize));
        KEXPECT(!c.value().query().has_value());
    }
    KEXPECT_GE(vs.page_table_pages(), 4u);  // PML4 + PDPT + PD + PT
    {
        auto c = vs.cursor_mut(VaRange{Vaddr(kBase), Vaddr(kBase + 3 * kPageSize)});
        KASSERT_OK(c);
        KEXPECT_EQ(c.value().unmap(3 * kPageSize), 3u);
        c.value().flush_tlb();
    }
    auto c = vs.cursor(VaRange{Vaddr(kBase), Vaddr(kBase + kPageSize)});
    KASSERT_OK(c);
    KEXPECT(!c.value().query().has_value());
    // Ranges outside the user window are refused.
    KEXPECT_ERRNO(vs.cursor_mut(VaRange{Vaddr(0x1000), Vaddr(0x2000)}), EINVAL);
}

KTEST(VmIo, UserRoundTripAcrossPages) {
    auto s = VmSpace::create();
    KASSERT_OK(s);
    VmSpace& vs = *s.value();
    KASSERT(map_pages(vs, kBase, 3));
    static std::byte data[2 * kPageSize + 100], back[2 * kPageSize + 100];
    for (size_t i = 0; i < sizeof data; ++i) data[i] = std::byte(i * 7 + 3);
    VmWriter w = VmWriter::from_user(vs, Vaddr(kBase + 50), sizeof data);
    auto wr = w.write(data);
    KASSERT_OK(wr);
    KEXPECT_EQ(wr.value(), sizeof data);
    VmReader r = VmReader::from_user(vs, Vaddr(kBase + 50), sizeof back);
    auto rd = r.read(back);
    KASSERT_OK(rd);
    KEXPECT_EQ(std::memcmp(data, back, sizeof data), 0);
}

// The "wrong user pointer gets EFAULT exactly as on the host".
KTEST(VmIo, BadUserPointersAreEfault) {
    auto s = VmSpace::create();
    KASSERT_OK(s);
    VmSpace& vs = *s.value();
    KASSERT(map_pages(vs, kBase, 1));
    KASSERT(map_pages(vs, kBase + kPageSize, 1, PageProperty::user(PageFlags::kR)));
    std::byte buf[64] = {};
    auto read_fails = [&](uint64_t va, size_t len) {
        size_t copied = 99;
        auto r = VmReader::from_user(vs, Vaddr(va), len).read({buf, len < 64 ? len : 64}, &copied);
        return r.is_error() && r.error().code() == EFAULT && copied == 0;
    };
    auto write_fails = [&](uint64_t va) {
        size_t copied = 99;
        auto r = VmWriter::from_user(vs, Vaddr(va), 8).write({buf, 8}, &copied);
        return r.is_error() && r.error().code() == EFAULT && copied == 0;
    };
    KEXPECT(read_fails(kBase + 2 * kPageSize, 8));       // unmapped
    KEXPECT(write_fails(kBase + kPageSize));             // read-only page
    KEXPECT(read_fails(0x8, 8));                         // below kUserStart
    KEXPECT(read_fails(kUserEnd.value(), 8));            // at kUserEnd
    KEXPECT(read_fails(0xffff800000000000ull, 8));       // the kernel's direct map
    KEXPECT(read_fails(0xffffffff80100000ull, 8));       // the kernel image
    KEXPECT(write_fails(0xffffffffffffffffull));         // wraps around
    // A copy that runs off the end of the mapping copies what it can, then faults.
    size_t copied = 0;
    static std::byte big[3 * kPageSize];
    auto r = VmReader::from_user(vs, Vaddr(kBase + 10), sizeof big).read(big, &copied);
    KEXPECT(r.is_error() && r.error().code() == EFAULT);
    KEXPECT_EQ(copied, 2 * kPageSize - 10);
}
