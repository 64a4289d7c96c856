// Page-table walks, entry encoding and freeing of empty tables.
#include "mm/page_table.h"

#include "mm/frame_meta.h"
#include "mm/frame_raw.h"

namespace ostd::detail {
namespace {

constexpr unsigned shift_of(unsigned level) {
    return kPageShift + 9 * (level - 1);
}
constexpr unsigned index_of(uint64_t va, unsigned level) {
    return static_cast<unsigned>((va >> shift_of(level)) & (kPtEntries - 1));
}

uint64_t* entries(uint64_t table_pfn) {
    // SAFETY: page-table frames are whole frames of RAM holding 512 u64 entries, owned by the
    // table above them (or the PageTable for the root) while we walk.
    return reinterpret_cast<uint64_t*>(frame_bytes(table_pfn));
}

PtMeta& pt_meta(uint64_t table_pfn) {
    return *static_cast<PtMeta*>(frame_meta_slot(table_pfn, frame_meta_tag<PtMeta>()));
}

uint64_t pfn_of(uint64_t pte) {
    return (pte & kPteAddrMask) >> kPageShift;
}

Result<uint64_t> alloc_table(unsigned level) {
    Frame f = TRY(Frame::alloc_with_meta(PtMeta{0, static_cast<uint8_t>(level)}));
    return FrameRaw::into_raw(std::move(f));
}

constexpr uint64_t kTableEntryFlags = kPteP | kPteRw | kPteUs;

}  // namespace

uint64_t encode_pte(uint64_t pfn, const PageProperty& p) {
    uint64_t e = (pfn << kPageShift) & kPteAddrMask;
    if ((p.flags & PageFlags::kRWX) != PageFlags::kNone)
        e |= kPteP;
    else
        e |= kPteSwNone;
    if (has_flags(p.flags, PageFlags::kW)) e |= kPteRw;
    if (!has_flags(p.flags, PageFlags::kX)) e |= kPteNx;
    if (has_flags(p.flags, PageFlags::kAccessed)) e |= kPteA;
    if (has_flags(p.flags, PageFlags::kDirty)) e |= kPteD;
    if (has_priv(p.priv, PrivilegeFlags::kUser)) e |= kPteUs;
    if (has_priv(p.priv, PrivilegeFlags::kGlobal)) e |= kPteG;
    if (p.cache == CachePolicy::kWriteThrough) e |= kPtePwt;
    if (p.cache == CachePolicy::kUncacheable) e |= kPtePcd | kPtePwt;
    return e;
}

PageProperty decode_pte(uint64_t e) {
    PageProperty p;
    p.flags = PageFlags::kNone;
    if (e & kPteP) {
        p.flags = PageFlags::kR;
        if (e & kPteRw) p.flags = p.flags | PageFlags::kW;
        if (!(e & kPteNx)) p.flags = p.flags | PageFlags::kX;
    }
    if (e & kPteA) p.flags = p.flags | PageFlags::kAccessed;
    if (e & kPteD) p.flags = p.flags | PageFlags::kDirty;
    p.priv = (e & kPteUs) ? PrivilegeFlags::kUser : PrivilegeFlags::kKernel;
    if (e & kPteG) p.priv = p.priv | PrivilegeFlags::kGlobal;
    p.cache = (e & kPtePcd)   ? CachePolicy::kUncacheable
              : (e & kPtePwt) ? CachePolicy::kWriteThrough
                              : CachePolicy::kWriteBack;
    return p;
}

Result<PageTable> PageTable::create() {
    return PageTable(TRY(alloc_table(kPtLevels)));
}

PageTable::PageTable(PageTable&& o)
    : root_(std::exchange(o.root_, kNoPfn)), table_pages_(std::exchange(o.table_pages_, 0)) {}

PageTable::~PageTable() {
    if (root_ == kNoPfn) return;
    free_subtree(root_, kPtLevels);
}

void PageTable::free_subtree(uint64_t table_pfn, unsigned level) {
    uint64_t* t = entries(table_pfn);
    for (unsigned i = 0; i < kPtEntries; ++i) {
        if (!pte_used(t[i])) continue;
        if (level > 1)
            free_subtree(pfn_of(t[i]), level - 1);
        else
            (void)FrameRaw::from_raw(pfn_of(t[i]));
        t[i] = 0;
    }
    (void)FrameRaw::from_raw(table_pfn);
    --table_pages_;
}

uint64_t* PageTable::leaf(uint64_t va) const {
    ORRERY_ASSERT(va < kPtLowerHalfEnd, "page-table walk of non-user address %#lx",
                  static_cast<unsigned long>(va));
    uint64_t table = root_;
    for (unsigned level = kPtLevels; level > 1; --level) {
        uint64_t e = entries(table)[index_of(va, level)];
        if (!(e & kPteP)) return nullptr;
        ORRERY_ASSERT(!(e & kPtePs), "huge pages are not supported");
        table = pfn_of(e);
    }
    return &entries(table)[index_of(va, 1)];
}

Result<void> PageTable::map(uint64_t va, Frame frame, const PageProperty& prop) {
    ORRERY_ASSERT(va < kPtLowerHalfEnd && (va & (kPageSize - 1)) == 0,
                  "map of unaligned or non-user address %#lx", static_cast<unsigned long>(va));
    uint64_t table = root_;
    for (unsigned level = kPtLevels; level > 1; --level) {
        uint64_t& e = entries(table)[index_of(va, level)];
        if (!(e & kPteP)) {
            auto child_or = alloc_table(level - 1);
            if (child_or.is_error()) {
                prune(va);  // drop tables this call created: they map nothing
                return child_or.release_error();
            }
            uint64_t child = child_or.release_value();
            e = (child << kPageShift) | kTableEntryFlags;
            ++pt_meta(table).nr_used;
            ++table_pages_;
        }
        table = pfn_of(e);
    }
    uint64_t& e = entries(table)[index_of(va, 1)];
    if (pte_used(e))
        panic("mapping over an existing mapping at %#lx", static_cast<unsigned long>(va));
    e = encode_pte(FrameRaw::into_raw(std::move(frame)), prop);
    ++pt_meta(table).nr_used;
    return ok();
}

bool PageTable::unmap(uint64_t va, TlbFlusher& flusher) {
    uint64_t path[kPtLevels + 1];  // path[level] = table pfn at that level
    path[kPtLevels] = root_;
    for (unsigned level = kPtLevels; level > 1; --level) {
        uint64_t e = entries(path[level])[index_of(va, level)];
        if (!(e & kPteP)) return false;
        path[level - 1] = pfn_of(e);
    }
    uint64_t& e = entries(path[1])[index_of(va, 1)];
    if (!pte_used(e)) return false;
    uint64_t pfn = pfn_of(e);
    e = 0;
    flusher.add_range(Vaddr(va), kPageSize);
    flusher.defer_drop(FrameRaw::from_raw(pfn));
    // Free tables that became empty, bottom-up; the root always stays.
    for (unsigned level = 1; level < kPtLevels; ++level) {
        if (--pt_meta(path[level]).nr_used != 0) return true;
        entries(path[level + 1])[index_of(va, level + 1)] = 0;
        flusher.defer_drop(FrameRaw::from_raw(path[level]));
        --table_pages_;
    }
    --pt_meta(root_).nr_used;
    return true;
}

void PageTable::prune(uint64_t va) {
    uint64_t path[kPtLevels + 1];
    path[kPtLevels] = root_;
    unsigned deepest = kPtLevels;
    for (unsigned level = kPtLevels; level > 1; --level) {
        uint64_t e = entries(path[level])[index_of(va, level)];
        if (!(e & kPteP)) break;
        path[level - 1] = pfn_of(e);
        deepest = level - 1;
    }
    // Never-used tables are not in any TLB: free them at once, bottom-up.
    for (unsigned level = deepest; level < kPtLevels; ++level) {
        if (pt_meta(path[level]).nr_used != 0) return;
        entries(path[level + 1])[index_of(va, level + 1)] = 0;
        --pt_meta(path[level + 1]).nr_used;
        (void)FrameRaw::from_raw(path[level]);
        --table_pages_;
    }
}

std::optional<PageTable::Leaf> PageTable::query(uint64_t va) const {
    uint64_t* e = leaf(va);
    if (!e || !pte_used(*e)) return std::nullopt;
    return Leaf{pfn_of(*e), decode_pte(*e), *e};
}

namespace {

// The first va in [va, end) whose level-1 entry under `table` (a level-`level` table covering
// va) is used, or `end`. Scans each table once from va's slot on and descends only into
// present entries: a sparse range costs the tables that exist, not one walk per 2 MiB or 1 GiB.
uint64_t first_used(uint64_t table, unsigned level, uint64_t va, uint64_t end) {
    const uint64_t* t = entries(table);
    const uint64_t span = uint64_t{1} << shift_of(level);
    if (level == 1) {
        // The leaf scan is the hot part (an unmap of a large, sparse range at every exit): a
        // plain loop over the slots the range covers in this table.
        unsigned first = index_of(va, 1);
        uint64_t base = va & ~(span - 1);
        uint64_t bytes = end - base;
        uint64_t left = (bytes >> shift_of(1)) + ((bytes & (span - 1)) != 0);  // pages to end
        unsigned stop = left < kPtEntries - first ? first + static_cast<unsigned>(left) : kPtEntries;
        for (unsigned i = first; i < stop; ++i)
            if (pte_used(t[i])) return i == first ? va : base + (uint64_t{i - first} << shift_of(1));
        return end;
    }
    for (unsigned i = index_of(va, level); i < kPtEntries && va < end; ++i) {
        uint64_t e = t[i];
        if (level == 1) {
            if (pte_used(e)) return va;
        } else if (e & kPteP) {
            uint64_t found = first_used(pfn_of(e), level - 1, va, end);
            if (found < end) return found;
        }
        uint64_t next = (va & ~(span - 1)) + span;
        if (next <= va) return end;  // wrapped past the top of the address space
        va = next;
    }
    return end;
}

}  // namespace

uint64_t PageTable::next_populated(uint64_t va, uint64_t end) const {
    if (va >= end) return end;
    return first_used(root_, kPtLevels, va, end);
}

}  // namespace ostd::detail
