// VmReader/VmWriter: round trips, partial copies, EFAULT for every kind of bad user address,
// the demand-paging hook, typed helpers and strings.
#include <ostd/mm/vm_io.h>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <ostd/mm/frame.h>
#include <ostd/mm/vm_space.h>

#include "mm/mm_test_util.h"

namespace {

using namespace ostd;
using orrery::testing::in_kernel;

constexpr PageProperty kRw = PageProperty::user(PageFlags::kRW);
constexpr uint64_t kBase = 0x100000;

void map_pages(VmSpace& s, uint64_t va, size_t n, PageProperty prop = kRw) {
    CursorMut c = MUST(s.cursor_mut(VaRange{Vaddr(va), Vaddr(va + n * kPageSize)}));
    for (size_t i = 0; i < n; ++i)
        MUST(c.map(MUST(Frame::alloc()), prop));
}

std::vector<std::byte> pattern(size_t n) {
    std::vector<std::byte> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = std::byte(i * 7 + 3);
    return v;
}

TEST(VmIo, RoundTripAcrossPages) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        map_pages(*s, kBase, 4);
        auto data = pattern(3 * kPageSize + 100);
        VmWriter w = VmWriter::from_user(*s, Vaddr(kBase + 50), data.size());
        EXPECT_EQ(MUST(w.write(data)), data.size());
        EXPECT_EQ(w.remaining(), 0u);
        std::vector<std::byte> back(data.size());
        VmReader r = VmReader::from_user(*s, Vaddr(kBase + 50), back.size());
        EXPECT_EQ(MUST(r.read(back)), back.size());
        EXPECT_EQ(back, data);
        // The bytes really are in the mapped frame.
        Cursor c = MUST(s->cursor(VaRange{Vaddr(kBase), Vaddr(kBase + kPageSize)}));
        std::byte first[4];
        c.query()->frame.copy_to(50, first);
        EXPECT_EQ(std::memcmp(first, data.data(), 4), 0);
    });
}

TEST(VmIo, PartialCopyReportsCount) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        map_pages(*s, kBase, 2);  // kBase + 2 pages is unmapped
        std::vector<std::byte> buf(3 * kPageSize);
        VmReader r = VmReader::from_user(*s, Vaddr(kBase + 10), buf.size());
        size_t copied = 0;
        auto res = r.read(buf, &copied);
        ASSERT_TRUE(res.is_error());
        EXPECT_EQ(res.error(), EFAULT);
        EXPECT_EQ(copied, 2 * kPageSize - 10);
        EXPECT_EQ(r.remaining(), buf.size() - copied) << "the reader stops at the fault";
        VmWriter w = VmWriter::from_user(*s, Vaddr(kBase + kPageSize), 2 * kPageSize);
        EXPECT_EQ(w.fill_zero(2 * kPageSize, &copied).error(), EFAULT);
        EXPECT_EQ(copied, kPageSize);
    });
}

TEST(VmIo, EfaultForEveryBadAddressKind) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        map_pages(*s, kBase, 1);
        map_pages(*s, kBase + kPageSize, 1, PageProperty::user(PageFlags::kR));
        map_pages(*s, kBase + 2 * kPageSize, 1,
                  PageProperty{PageFlags::kRW, CachePolicy::kWriteBack, PrivilegeFlags::kKernel});
        map_pages(*s, kBase + 3 * kPageSize, 1, PageProperty::user(PageFlags::kNone));
        std::byte buf[64];
        auto read_at = [&](uint64_t va, size_t len) {
            size_t copied = 99;
            auto r = VmReader::from_user(*s, Vaddr(va), len)
                         .read({buf, std::min(len, sizeof buf)}, &copied);
            return r.is_error() && r.error() == EFAULT && copied == 0;
        };
        auto write_at = [&](uint64_t va) {
            size_t copied = 99;
            auto r = VmWriter::from_user(*s, Vaddr(va), 8).write({buf, 8}, &copied);
            return r.is_error() && r.error() == EFAULT && copied == 0;
        };
        EXPECT_TRUE(read_at(kBase + 5 * kPageSize, 8)) << "unmapped";
        EXPECT_TRUE(write_at(kBase + kPageSize)) << "read-only";
        EXPECT_FALSE(read_at(kBase + kPageSize, 8)) << "read-only is readable";
        EXPECT_TRUE(read_at(kBase + 2 * kPageSize, 8)) << "kernel-only page";
        EXPECT_TRUE(read_at(kBase + 3 * kPageSize, 8)) << "PROT_NONE";
        EXPECT_TRUE(read_at(0, 8)) << "null";
        EXPECT_TRUE(read_at(0x1000, 8)) << "below kUserStart";
        EXPECT_TRUE(read_at(kUserEnd.value(), 8)) << "at kUserEnd";
        EXPECT_TRUE(read_at(0x0000800000000000, 8)) << "non-canonical";
        EXPECT_TRUE(read_at(0xffff800000000000, 8)) << "kernel half";
        EXPECT_TRUE(read_at(0xfffffffffffffff8, 64)) << "wraps around";
        EXPECT_TRUE(write_at(0xffffffffffffffff)) << "wraps around";
        // A huge length from a valid page copies that page, then faults.
        size_t copied = 0;
        std::vector<std::byte> big(2 * kPageSize);
        auto r = VmReader::from_user(*s, Vaddr(kBase), SIZE_MAX).read(big, &copied);
        EXPECT_EQ(r.is_ok(), true) << "read-only page after it is readable";
        VmWriter w = VmWriter::from_user(*s, Vaddr(kBase), SIZE_MAX);
        EXPECT_EQ(w.write(big, &copied).error(), EFAULT);
        EXPECT_EQ(copied, kPageSize);
        EXPECT_EQ(w.remaining(), SIZE_MAX - kPageSize);
    });
}

struct FaultLog {
    int calls = 0;
    Vaddr last;
    PageFaultInfo info{};
    bool map = true;
};

Result<void> demand_pager(VmSpace& s, Vaddr va, const PageFaultInfo& info, void* ctx) {
    auto* log = static_cast<FaultLog*>(ctx);
    ++log->calls;
    log->last = va;
    log->info = info;
    if (!log->map) return ok();  // claims success without fixing anything
    CursorMut c = TRY(s.cursor_mut(VaRange{va, va + kPageSize}));
    if (info.page_present) {  // upgrade, like breaking copy-on-write
        c.protect(kPageSize, kRw);
        return ok();
    }
    Frame f = TRY(Frame::alloc());
    TRY(c.map(f, kRw));
    return ok();
}

Result<void> refuse(VmSpace&, Vaddr, const PageFaultInfo&, void*) {
    return Error(ENOMEM);
}

TEST(VmIo, FaultHandlerMapsOnDemand) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        FaultLog log;
        s->set_page_fault_handler(&demand_pager, &log);
        auto data = pattern(3 * kPageSize);
        VmWriter w = VmWriter::from_user(*s, Vaddr(kBase + 8), data.size());
        EXPECT_EQ(MUST(w.write(data)), data.size());
        EXPECT_EQ(log.calls, 4) << "one fault per touched page";
        EXPECT_EQ(log.info.access, AccessKind::kWrite);
        EXPECT_FALSE(log.info.page_present);
        std::vector<std::byte> back(data.size());
        EXPECT_EQ(MUST(VmReader::from_user(*s, Vaddr(kBase + 8), back.size()).read(back)),
                  back.size());
        EXPECT_EQ(back, data);
        EXPECT_EQ(log.calls, 4) << "no faults once mapped";

        // Present but read-only: the handler sees page_present and upgrades the page.
        map_pages(*s, 0x200000, 1, PageProperty::user(PageFlags::kR));
        MUST(VmWriter::from_user(*s, Vaddr(0x200010), 4).write_val(uint32_t{0xdeadbeef}));
        EXPECT_EQ(log.calls, 5);
        EXPECT_TRUE(log.info.page_present);
        EXPECT_EQ(log.last, Vaddr(0x200000));
        EXPECT_EQ(MUST(VmReader::from_user(*s, Vaddr(0x200010), 4).read_val<uint32_t>()),
                  0xdeadbeefu);
    });
}

TEST(VmIo, FaultHandlerFailureIsEfault) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        FaultLog log;
        log.map = false;
        s->set_page_fault_handler(&demand_pager, &log);
        std::byte buf[16];
        auto r = VmReader::from_user(*s, Vaddr(kBase), 16).read(buf);
        EXPECT_EQ(r.error(), EFAULT);
        EXPECT_EQ(log.calls, 1) << "the handler runs once per page, no livelock";
        s->set_page_fault_handler(&refuse, nullptr);
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(kBase), 16).read(buf).error(), EFAULT);
        // Outside the user range the handler is not consulted.
        log = FaultLog{};
        s->set_page_fault_handler(&demand_pager, &log);
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(0x1000), 16).read(buf).error(), EFAULT);
        EXPECT_EQ(log.calls, 0);
    });
}

TEST(VmIo, TypedValues) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        map_pages(*s, kBase, 2);
        struct Pair {
            uint64_t a;
            uint32_t b;
        };
        // Straddles the page boundary.
        VmWriter w = VmWriter::from_user(*s, Vaddr(kBase + kPageSize - 6), 64);
        MUST(w.write_val(Pair{1234567890123ull, 77}));
        VmReader r = VmReader::from_user(*s, Vaddr(kBase + kPageSize - 6), 64);
        Pair p = MUST(r.read_val<Pair>());
        EXPECT_EQ(p.a, 1234567890123ull);
        EXPECT_EQ(p.b, 77u);
        VmReader small = VmReader::from_user(*s, Vaddr(kBase), 4);
        EXPECT_EQ(small.read_val<uint64_t>().error(), EFAULT) << "fewer bytes than the value";
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(kBase + 2 * kPageSize - 4), 8)
                      .read_val<uint64_t>()
                      .error(),
                  EFAULT)
            << "second half unmapped";
    });
}

TEST(VmIo, CStrings) {
    in_kernel([] {
        Ref<VmSpace> s = MUST(VmSpace::create());
        map_pages(*s, kBase, 1);  // the next page is unmapped
        const char hello[] = "hello";
        auto put = [&](uint64_t va, const char* str, size_t n) {
            MUST(VmWriter::from_user(*s, Vaddr(va), n).write(std::as_bytes(std::span(str, n))));
        };
        put(kBase, hello, sizeof hello);
        char buf[16];
        VmReader r = VmReader::from_user(*s, Vaddr(kBase), 4096);
        EXPECT_EQ(MUST(r.read_cstring(buf)), 5u);
        EXPECT_STREQ(buf, "hello");
        EXPECT_EQ(r.remaining(), 4096u - 6u);
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(kBase), 4096).read_cstring({buf, 5}).error(),
                  ENAMETOOLONG);
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(kBase), 4096).read_cstring({buf, 6}).value(), 5u);
        // NUL on the last byte of the page: bytes after it (unmapped) are never touched.
        put(kBase + kPageSize - 3, "ab", 3);
        EXPECT_EQ(
            MUST(VmReader::from_user(*s, Vaddr(kBase + kPageSize - 3), 100).read_cstring(buf)), 2u);
        // No NUL before the unmapped page: EFAULT, not ENAMETOOLONG.
        put(kBase + kPageSize - 3, "abc", 3);
        EXPECT_EQ(
            VmReader::from_user(*s, Vaddr(kBase + kPageSize - 3), 100).read_cstring(buf).error(),
            EFAULT);
        EXPECT_EQ(VmReader::from_user(*s, Vaddr(0xffff800000000000), 100).read_cstring(buf).error(),
                  EFAULT);
        // Kernel readers.
        const char k[] = "kernel\0tail";
        VmReader kr = VmReader::from_kernel(std::as_bytes(std::span(k)));
        EXPECT_EQ(MUST(kr.read_cstring(buf)), 6u);
        EXPECT_STREQ(buf, "kernel");
        EXPECT_EQ(MUST(kr.read_cstring(buf)), 4u);
        EXPECT_EQ(VmReader::from_kernel(std::as_bytes(std::span(k, 3))).read_cstring(buf).error(),
                  ENAMETOOLONG);
    });
}

TEST(VmIo, ReaderToWriterAllCombinations) {
    in_kernel([] {
        Ref<VmSpace> a = MUST(VmSpace::create());
        Ref<VmSpace> b = MUST(VmSpace::create());
        map_pages(*a, kBase, 3);
        map_pages(*b, kBase, 3);
        auto data = pattern(2 * kPageSize + 333);
        std::vector<std::byte> out(data.size());
        // kernel -> user(a)
        VmReader kr = VmReader::from_kernel(data);
        VmWriter aw = VmWriter::from_user(*a, Vaddr(kBase + 1), data.size());
        EXPECT_EQ(MUST(kr.read_to(aw)), data.size());
        // user(a) -> user(b)
        VmReader ar = VmReader::from_user(*a, Vaddr(kBase + 1), data.size());
        VmWriter bw = VmWriter::from_user(*b, Vaddr(kBase + 7), data.size());
        EXPECT_EQ(MUST(ar.read_to(bw)), data.size());
        // user(b) -> kernel
        VmReader br = VmReader::from_user(*b, Vaddr(kBase + 7), data.size());
        VmWriter kw = VmWriter::from_kernel(out);
        EXPECT_EQ(MUST(br.read_to(kw)), data.size());
        EXPECT_EQ(out, data);
        // A user-to-user copy that runs off the mapped pages stops with a partial count.
        VmReader tail = VmReader::from_user(*a, Vaddr(kBase + 2 * kPageSize), 2 * kPageSize);
        VmWriter bw2 = VmWriter::from_user(*b, Vaddr(kBase), 2 * kPageSize);
        size_t copied = 0;
        EXPECT_EQ(tail.read_to(bw2, &copied).error(), EFAULT);
        EXPECT_EQ(copied, kPageSize);
    });
}

TEST(VmIo, FrameReadersAndWriters) {
    in_kernel([] {
        Frame f = MUST(Frame::alloc());
        VmWriter w = f.writer();
        EXPECT_EQ(w.remaining(), kPageSize);
        MUST(w.write_val(uint64_t{42}));
        w.skip(8);
        MUST(w.write_val(uint32_t{7}));
        VmReader r = f.reader();
        EXPECT_EQ(MUST(r.read_val<uint64_t>()), 42u);
        EXPECT_EQ(MUST(r.read_val<uint64_t>()), 0u);
        EXPECT_EQ(MUST(r.read_val<uint32_t>()), 7u);
        f.fill_zero(0, 8);
        EXPECT_EQ(MUST(f.reader().read_val<uint64_t>()), 0u);
        Segment seg = MUST(Segment::alloc({.count = 2}));
        auto data = pattern(2 * kPageSize);
        EXPECT_EQ(MUST(seg.writer().write(data)), data.size());
        std::byte last;
        seg.frame(1).copy_to(kPageSize - 1, {&last, 1});
        EXPECT_EQ(last, data.back());
    });
}

}  // namespace
