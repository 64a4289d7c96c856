// Differential: mmap/munmap/mprotect/mremap/madvise/brk semantics and errnos. Addresses differ
// between the backends, so programs record offsets from their own mappings, or A<n> names.
#include <sys/mman.h>
#include <sys/syscall.h>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kAnon = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint64_t kRw = PROT_READ | PROT_WRITE;
constexpr uint64_t kBadPtr = 0x8;

uint64_t map(Sys& sys, uint64_t len, uint64_t prot = kRw, uint64_t flags = kAnon,
             uint64_t addr = 0) {
    return static_cast<uint64_t>(sys.call(SYS_mmap, addr, len, prot, flags,
                                          static_cast<uint64_t>(-1), 0));
}

// The result of a call that returns an address, as an offset from `base` (or its errno).
int64_t rel(int64_t v, uint64_t base) {
    return v < 0 && v >= -4095 ? v : v - static_cast<int64_t>(base);
}

}  // namespace

DIFFTEST(Mm, MmapArgumentErrors) {
    auto m = [&](uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
                 uint64_t off) { return sys.call(SYS_mmap, addr, len, prot, flags, fd, off); };
    const uint64_t nofd = static_cast<uint64_t>(-1);
    sys.ret("len 0", m(0, 0, kRw, kAnon, nofd, 0));
    sys.ret("len -1", m(0, static_cast<uint64_t>(-1), kRw, kAnon, nofd, 0));
    sys.ret("len 2^62", m(0, uint64_t{1} << 62, kRw, kAnon, nofd, 0));
    sys.ret("no private/shared", m(0, kPage, kRw, MAP_ANONYMOUS, nofd, 0));
    sys.ret("unaligned fixed", m(0x10001000 + 1, kPage, kRw, kAnon | MAP_FIXED, nofd, 0));
    sys.ret("unaligned offset", m(0, kPage, kRw, kAnon, nofd, 100));
    sys.ok("private anon", m(0, kPage, kRw, kAnon, nofd, 0));
    sys.ok("prot none", m(0, kPage, PROT_NONE, kAnon, nofd, 0));
    sys.ok("shared anon", m(0, kPage, kRw, MAP_SHARED | MAP_ANONYMOUS, nofd, 0));
    return 0;
}

DIFFTEST(Mm, FixedAndFixedNoreplace) {
    uint64_t base = map(sys, 8 * kPage, PROT_NONE);
    sys.addr("reserve", static_cast<int64_t>(base));
    sys.ret("noreplace over mapping",
            sys.call(SYS_mmap, base + kPage, kPage, kRw, kAnon | MAP_FIXED_NOREPLACE,
                     static_cast<uint64_t>(-1), 0));
    sys.ret("fixed overlay", rel(sys.call(SYS_mmap, base + 2 * kPage, 2 * kPage, kRw,
                                          kAnon | MAP_FIXED, static_cast<uint64_t>(-1), 0),
                                 base));
    sys.put_u64(base + 3 * kPage, 0x1122334455667788);
    sys.ret("read back", static_cast<int64_t>(sys.get_u64(base + 3 * kPage)));
    sys.ret("munmap page 5", sys.call(SYS_munmap, base + 5 * kPage, kPage));
    sys.ret("noreplace into hole",
            rel(sys.call(SYS_mmap, base + 5 * kPage, kPage, kRw, kAnon | MAP_FIXED_NOREPLACE,
                         static_cast<uint64_t>(-1), 0),
                base));
    sys.ret("fresh page is zero", static_cast<int64_t>(sys.get_u64(base + 5 * kPage)));
    sys.ret("fixed replaces data", rel(sys.call(SYS_mmap, base + 3 * kPage, kPage, kRw,
                                                kAnon | MAP_FIXED, static_cast<uint64_t>(-1), 0),
                                       base));
    sys.ret("replaced page is zero", static_cast<int64_t>(sys.get_u64(base + 3 * kPage)));
    sys.ret("munmap all", sys.call(SYS_munmap, base, 8 * kPage));
    return 0;
}

DIFFTEST(Mm, DemandZeroAndDontneed) {
    uint64_t a = map(sys, 3 * kPage);
    for (uint64_t i = 0; i < 3; ++i) {
        sys.ret("demand zero", static_cast<int64_t>(sys.get_u64(a + i * kPage + 8)));
        sys.put_u64(a + i * kPage + 8, 100 + i);
    }
    sys.ret("dontneed middle", sys.call(SYS_madvise, a + kPage, kPage, MADV_DONTNEED));
    for (uint64_t i = 0; i < 3; ++i)
        sys.ret("after dontneed", static_cast<int64_t>(sys.get_u64(a + i * kPage + 8)));
    sys.ret("unaligned", sys.call(SYS_madvise, a + 1, kPage, MADV_DONTNEED));
    sys.ret("bad advice", sys.call(SYS_madvise, a, kPage, 12345));
    sys.ret("len 0", sys.call(SYS_madvise, a, 0, MADV_DONTNEED));
    sys.ret("normal", sys.call(SYS_madvise, a, kPage, MADV_NORMAL));
    sys.ret("willneed", sys.call(SYS_madvise, a, kPage, MADV_WILLNEED));
    sys.ret("sequential", sys.call(SYS_madvise, a, kPage, MADV_SEQUENTIAL));
    sys.ret("random", sys.call(SYS_madvise, a, kPage, MADV_RANDOM));
    sys.ret("munmap", sys.call(SYS_munmap, a, 3 * kPage));
    sys.ret("dontneed unmapped", sys.call(SYS_madvise, a, kPage, MADV_DONTNEED));
    return 0;
}

DIFFTEST(Mm, MprotectErrorsThenWriteToReadOnlyKills) {
    uint64_t a = map(sys, 4 * kPage);
    sys.ret("unaligned", sys.call(SYS_mprotect, a + 1, kPage, PROT_READ));
    sys.ret("bad prot", sys.call(SYS_mprotect, a, kPage, 0x40));
    sys.ret("len 0", sys.call(SYS_mprotect, a, 0, PROT_READ));
    sys.ret("munmap 3rd", sys.call(SYS_munmap, a + 2 * kPage, kPage));
    sys.ret("across hole", sys.call(SYS_mprotect, a, 4 * kPage, PROT_READ));
    sys.ret("unmapped", sys.call(SYS_mprotect, a + 2 * kPage, kPage, PROT_READ));
    // Linux has changed the pages before the hole (see Known.*MprotectAcrossHole); reset them.
    sys.ret("reset", sys.call(SYS_mprotect, a, 2 * kPage, kRw));
    sys.put_u64(a, 5);
    sys.ret("make read-only", sys.call(SYS_mprotect, a, kPage, PROT_READ));
    sys.ret("still readable", static_cast<int64_t>(sys.get_u64(a)));
    sys.ret("second page writable", sys.call(SYS_mprotect, a + kPage, kPage, kRw));
    sys.put_u64(a + kPage, 6);
    sys.note("writing", "read-only page");
    sys.put_u64(a, 7);
    sys.note("survived", "write to read-only page");
    return 0;
}

DIFFTEST(Mm, ReadingProtNoneKills) {
    uint64_t a = map(sys, kPage, PROT_NONE);
    sys.note("reading", "PROT_NONE page");
    sys.ret("value", static_cast<int64_t>(sys.get_u64(a)));
    return 0;
}

DIFFTEST(Mm, MunmapThenTouchKills) {
    uint64_t a = map(sys, 3 * kPage);
    sys.ret("unaligned", sys.call(SYS_munmap, a + 1, kPage));
    sys.ret("len 0", sys.call(SYS_munmap, a, 0));
    sys.ret("middle", sys.call(SYS_munmap, a + kPage, kPage));
    sys.ret("again (nothing there)", sys.call(SYS_munmap, a + kPage, kPage));
    sys.put_u64(a, 1);
    sys.put_u64(a + 2 * kPage, 2);
    sys.ret("neighbours intact", static_cast<int64_t>(sys.get_u64(a) + sys.get_u64(a + 2 * kPage)));
    sys.note("touching", "hole");
    sys.put_u64(a + kPage, 3);
    return 0;
}

DIFFTEST(Mm, MremapSemantics) {
    uint64_t base = map(sys, 16 * kPage, PROT_NONE);  // A private playground.
    uint64_t a = static_cast<uint64_t>(sys.call(SYS_mmap, base, 4 * kPage, kRw,
                                                kAnon | MAP_FIXED, static_cast<uint64_t>(-1), 0));
    for (uint64_t i = 0; i < 4; ++i) sys.put_u64(a + i * kPage, 0xa0 + i);
    sys.ret("unaligned old", sys.call(SYS_mremap, a + 1, kPage, kPage, 0, 0));
    sys.ret("new size 0", sys.call(SYS_mremap, a, kPage, 0, 0, 0));
    sys.ret("bad flags", sys.call(SYS_mremap, a, kPage, kPage, 0x100, 0));
    sys.ret("fixed without maymove", sys.call(SYS_mremap, a, kPage, kPage, MREMAP_FIXED, base));
    sys.ret("old size 0 private", sys.call(SYS_mremap, a, 0, kPage, MREMAP_MAYMOVE, 0));
    sys.ret("unmap last page", sys.call(SYS_munmap, base + 15 * kPage, kPage));
    sys.ret("old not mapped",
            sys.call(SYS_mremap, base + 15 * kPage, kPage, 2 * kPage, MREMAP_MAYMOVE, 0));
    sys.ret("shrink in place", rel(sys.call(SYS_mremap, a, 4 * kPage, 3 * kPage, 0, 0), base));
    sys.ret("shrunk tail gone", sys.call(SYS_mprotect, a + 3 * kPage, kPage, PROT_READ));
    sys.ret("grow in place", rel(sys.call(SYS_mremap, a, 3 * kPage, 4 * kPage, 0, 0), base));
    sys.ret("regrown page zero", static_cast<int64_t>(sys.get_u64(a + 3 * kPage)));
    sys.ret("grow blocked", sys.call(SYS_mremap, a, 4 * kPage, 6 * kPage, 0, 0));  // PROT_NONE after.
    sys.ret("fixed move", rel(sys.call(SYS_mremap, a, 4 * kPage, 4 * kPage,
                                       MREMAP_MAYMOVE | MREMAP_FIXED, base + 8 * kPage),
                              base));
    for (uint64_t i = 0; i < 3; ++i)
        sys.ret("moved data", static_cast<int64_t>(sys.get_u64(base + 8 * kPage + i * kPage)));
    sys.ret("old range gone", sys.call(SYS_mprotect, a, kPage, PROT_READ));
    int64_t moved = sys.call(SYS_mremap, base + 8 * kPage, 4 * kPage, 64 * kPage,
                             MREMAP_MAYMOVE, 0);
    sys.ok("maymove grow", moved);
    if (moved > 0) {
        sys.ret("grown data", static_cast<int64_t>(sys.get_u64(static_cast<uint64_t>(moved))));
        sys.ret("grown tail zero",
                static_cast<int64_t>(sys.get_u64(static_cast<uint64_t>(moved) + 63 * kPage)));
    }
    return 0;
}

DIFFTEST(Mm, BrkGrowShrinkAndRegrowZeroes) {
    uint64_t base = static_cast<uint64_t>(sys.call(SYS_brk, 0));
    sys.ret("grow", rel(sys.call(SYS_brk, base + 10000), base));
    sys.put_u64(base + 8, 42);
    sys.put_u64(base + 9992, 43);  // Last bytes below the new break.
    sys.ret("query", rel(sys.call(SYS_brk, 0), base));
    sys.ret("refused (below start)", rel(sys.call(SYS_brk, 1), base));
    sys.ret("refused (huge)", rel(sys.call(SYS_brk, uint64_t{1} << 46), base));
    sys.ret("shrink", rel(sys.call(SYS_brk, base), base));
    sys.ret("regrow", rel(sys.call(SYS_brk, base + kPage), base));
    sys.ret("regrown is zero", static_cast<int64_t>(sys.get_u64(base + 8)));
    sys.ret("restore", rel(sys.call(SYS_brk, base), base));
    return 0;
}

DIFFTEST(Mm, LargeLazyMapping) {
    uint64_t len = uint64_t{512} << 20;  // Larger than Orrery's test RAM: nothing is touched.
    int64_t a = sys.call(SYS_mmap, 0, len, kRw, kAnon, static_cast<uint64_t>(-1), 0);
    sys.ok("map 512 MiB", a);
    if (a > 0) {
        sys.put_u64(static_cast<uint64_t>(a) + len - 8, 9);
        sys.ret("last page", static_cast<int64_t>(sys.get_u64(static_cast<uint64_t>(a) + len - 8)));
        sys.ret("munmap", sys.call(SYS_munmap, static_cast<uint64_t>(a), len));
    }
    sys.ret("munmap EFAULT-free on bad range", sys.call(SYS_munmap, kPage, kPage));
    (void)kBadPtr;
    return 0;
}

