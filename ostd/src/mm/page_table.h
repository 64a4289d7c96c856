// x86-64 4-level page tables (PML4/PDPT/PD/PT, 512 u64 entries each) stored in RAM frames and
// walked in software. Not locked: the owning VmSpace serialises all calls.
#pragma once

#include <cstdint>
#include <optional>

#include <ostd/common/result.h>
#include <ostd/mm/frame.h>
#include <ostd/mm/page_prop.h>
#include <ostd/mm/tlb.h>

namespace ostd::detail {

inline constexpr uint64_t kPteP = 1ull << 0;
inline constexpr uint64_t kPteRw = 1ull << 1;
inline constexpr uint64_t kPteUs = 1ull << 2;
inline constexpr uint64_t kPtePwt = 1ull << 3;
inline constexpr uint64_t kPtePcd = 1ull << 4;
inline constexpr uint64_t kPteA = 1ull << 5;
inline constexpr uint64_t kPteD = 1ull << 6;
inline constexpr uint64_t kPtePs = 1ull << 7;
inline constexpr uint64_t kPteG = 1ull << 8;
/// Software bit (ignored by hardware): a mapped page with no access rights (PROT_NONE). P is 0.
inline constexpr uint64_t kPteSwNone = 1ull << 9;
inline constexpr uint64_t kPteNx = 1ull << 63;
inline constexpr uint64_t kPteAddrMask = 0x000ffffffffff000ull;
inline constexpr unsigned kPtLevels = 4;
inline constexpr unsigned kPtEntries = 512;
/// Addresses page tables can translate: the canonical lower half.
inline constexpr uint64_t kPtLowerHalfEnd = 1ull << 47;

/// Metadata of a page-table frame: how many of its entries are in use.
struct PtMeta {
    uint16_t nr_used;
    uint8_t level;  // 4 = PML4 ... 1 = PT
};

uint64_t encode_pte(uint64_t pfn, const PageProperty& prop);
PageProperty decode_pte(uint64_t pte);
inline bool pte_used(uint64_t pte) {
    return (pte & (kPteP | kPteSwNone)) != 0;
}

class PageTable {
public:
    /// Allocates an empty PML4. ENOMEM when no frame is free.
    static Result<PageTable> create();
    PageTable(PageTable&& o);
    PageTable& operator=(PageTable&&) = delete;
    /// Drops every mapping and table (without TLB flushes: the space is dead).
    ~PageTable();

    Paddr root_paddr() const { return Pfn(root_).paddr(); }
    /// Page-table frames in use, the root included.
    size_t table_pages() const { return table_pages_; }

    /// Maps the page at va (page aligned, below kPtLowerHalfEnd) to frame, consuming the
    /// reference. ENOMEM if a table cannot be allocated (nothing changes). Panics if va is
    /// already mapped.
    Result<void> map(uint64_t va, Frame frame, const PageProperty& prop);
    /// Unmaps the page at va; its frame and any table left empty go to `flusher`. Returns false
    /// if nothing was mapped there.
    bool unmap(uint64_t va, TlbFlusher& flusher);
    /// Rewrites the property of the page at va with op(old). False if nothing is mapped.
    template <typename Op>
    bool protect(uint64_t va, Op&& op, TlbFlusher& flusher) {
        uint64_t* e = leaf(va);
        if (!e || !pte_used(*e)) return false;
        *e = encode_pte((*e & kPteAddrMask) >> kPageShift, op(decode_pte(*e)));
        flusher.add_range(Vaddr(va), kPageSize);
        return true;
    }

    struct Leaf {
        uint64_t pfn;
        PageProperty prop;
        uint64_t pte;
    };
    /// What va's page maps to (PROT_NONE pages included), if anything.
    std::optional<Leaf> query(uint64_t va) const;
    /// The leaf entry of va, or nullptr when an intermediate table is missing.
    uint64_t* leaf(uint64_t va) const;
    /// The first page >= va (page aligned), below `end`, whose leaf entry is in use (pte_used);
    /// `end` if none. Lets range operations skip unmapped regions and empty slots quickly.
    uint64_t next_populated(uint64_t va, uint64_t end) const;

private:
    explicit PageTable(uint64_t root) : root_(root), table_pages_(1) {}
    void free_subtree(uint64_t table_pfn, unsigned level);
    /// Frees the empty tables on va's path (after a failed map).
    void prune(uint64_t va);

    uint64_t root_;  // raw reference to the PML4 frame, owned by this object
    size_t table_pages_;
};

}  // namespace ostd::detail
