// VmSpace: one user address space (a process's), backed by real x86-64 page tables in RAM.
// Cursors map, unmap, protect and query pages within a range of it.
// Lock order: VmSpace::lock_ -> heap -> frame allocator. lock_ is private and held only inside
// single operations (user copies take it per batch of pages, never across the fault handler).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <ostd/common/ref.h>
#include <ostd/common/result.h>
#include <ostd/common/thread_annotations.h>
#include <ostd/common/types.h>
#include <ostd/mm/frame.h>
#include <ostd/mm/page_prop.h>
#include <ostd/mm/tlb.h>
#include <ostd/sync/spinlock.h>

namespace ostd {

namespace detail {
class PageTable;
}

/// The user part of every address space: [kUserStart, kUserEnd). It is the host backend's user
/// window; the guest's TASK_SIZE follows it.
inline constexpr Vaddr kUserStart{0x10000};
inline constexpr Vaddr kUserEnd{0x7fff0000};

enum class AccessKind : uint8_t { kRead, kWrite };

struct PageFaultInfo {
    AccessKind access;
    /// True if a page is mapped but its rights forbid the access (e.g. copy-on-write).
    bool page_present;
};

class VmSpace;
/// Resolves a fault at va (page aligned down) by mapping or re-protecting the page. Return an
/// error (any errno) to make the faulting copy fail with EFAULT. Called without VmSpace locks.
using PageFaultHandler = Result<void> (*)(VmSpace& space, Vaddr va, const PageFaultInfo& info,
                                          void* context);

/// What a page is mapped to.
struct MappedPage {
    Frame frame;
    PageProperty prop;
};

class Cursor;
class CursorMut;

class VmSpace : public RefCounted<VmSpace> {
public:
    /// A new, empty address space. ENOMEM if its page-table root cannot be allocated.
    static Result<Ref<VmSpace>> create();
    /// Unmaps everything and frees the page tables.
    ~VmSpace();

    /// A read-only cursor over `range`, starting at range.start. EINVAL unless the range is
    /// non-empty, page aligned and inside [kUserStart, kUserEnd).
    Result<Cursor> cursor(VaRange range);
    /// A mutating cursor, same preconditions. Cursors do not lock the range: each operation is
    /// atomic on its own, and callers serialise overlapping updates (the kernel's VM layer does).
    Result<CursorMut> cursor_mut(VaRange range);

    /// Installs the demand-paging hook (nullptr removes it). `context` is passed back to fn and
    /// owned by the caller, who must keep it alive while installed.
    void set_page_fault_handler(PageFaultHandler fn, void* context);
    /// Runs the installed handler for va, or EFAULT if none is installed or va is outside the
    /// user range. Must not be called under any spinlock.
    Result<void> handle_page_fault(Vaddr va, const PageFaultInfo& info);

    /// Page-table frames in use, root included (for tests and statistics).
    size_t page_table_pages() const;
    /// Physical address of the PML4 (the address-space id given to hal::tlb_*).
    Paddr root_paddr() const { return root_paddr_; }

private:
    friend class Cursor;
    friend class CursorMut;
    friend class VmReader;
    friend class VmWriter;
    friend class RefCounted<VmSpace>;
    template <typename T, typename... Args>
    friend Result<Ref<T>> try_make_ref(Args&&... args);

    VmSpace() = default;
    static Result<VaRange> check_range(VaRange range);

    /// Copies between [va, va + len) and kernel memory: reads go to `kout`, writes come from
    /// `kin` (nullptr writes zeroes). Returns bytes copied; *fault is set when the copy stopped
    /// at a fault that the handler could not resolve.
    size_t copy_user(uint64_t va, std::byte* kout, const std::byte* kin, size_t len,
                     AccessKind access, bool* fault);
    /// Reads bytes at va into buf until a NUL or len bytes; returns bytes read (NUL included).
    size_t copy_user_cstring(uint64_t va, char* buf, size_t len, bool* fault, bool* found_nul);
    /// Direct-map pointer for va if its page allows `access` (lock_ held), else nullptr.
    std::byte* translate_locked(uint64_t va, AccessKind access, bool* present) const
        ORRERY_REQUIRES(lock_);
    /// After a copy stopped at va: runs the fault handler unless va was already retried.
    bool resolve_fault(uint64_t va, AccessKind access, bool present, uint64_t* retried_page);

    mutable SpinLock lock_;
    detail::PageTable* pt_ ORRERY_PT_GUARDED_BY(lock_) = nullptr;  // owned (kernel heap)
    Paddr root_paddr_;
    PageFaultHandler fault_handler_ ORRERY_GUARDED_BY(lock_) = nullptr;
    void* fault_context_ ORRERY_GUARDED_BY(lock_) = nullptr;  // owned by the handler's installer
};

/// Read-only walk over a range of a VmSpace. Holds a reference to the space.
class Cursor {
public:
    /// The current address.
    Vaddr virt_addr() const { return va_; }
    VaRange range() const { return range_; }
    /// What is mapped at the current page (PROT_NONE pages included), if anything.
    std::optional<MappedPage> query() const;
    /// Moves to va. Panics unless va is page aligned and inside the cursor's range.
    void jump(Vaddr va);
    /// As CursorMut::find_next: the first mapped page in [va, va + len), or nullopt.
    std::optional<Vaddr> find_next(size_t len);

private:
    friend class VmSpace;
    Cursor(Ref<VmSpace> space, VaRange range)
        : space_(std::move(space)), range_(range), va_(range.start) {}
    Ref<VmSpace> space_;
    VaRange range_;
    Vaddr va_;
};

/// Mutating walk over a range of a VmSpace. Invalidations are batched and issued by flush_tlb()
/// or on destruction; unmapped frames are dropped only after that.
class CursorMut {
public:
    Vaddr virt_addr() const { return va_; }
    VaRange range() const { return range_; }
    std::optional<MappedPage> query() const;
    /// Moves to va. Panics unless va is page aligned and inside the cursor's range.
    void jump(Vaddr va);
    /// Moves to the first mapped page (PROT_NONE pages included) in [va, va + len) and returns
    /// its address; with none, moves to va + len and returns nullopt. Skips unpopulated
    /// page-table subtrees without visiting each page (len page aligned, within the range).
    std::optional<Vaddr> find_next(size_t len);

    /// Maps `frame` at the current page with `prop` and advances one page. The mapping holds a
    /// reference to the frame. ENOMEM if a page-table page cannot be allocated (cursor unmoved).
    /// Panics if the page is already mapped or the cursor is at the end of its range.
    Result<void> map(Frame frame, const PageProperty& prop);
    /// Unmaps [va, va + len) (len page aligned, within the range) and advances past it. Holes are
    /// allowed (like munmap(2)): returns the number of pages that were mapped. Empty page-table
    /// pages are freed.
    size_t unmap(size_t len);
    /// Sets the property of every mapped page in [va, va + len) to `prop`, skipping holes, and
    /// advances. Returns the number of pages changed.
    size_t protect(size_t len, const PageProperty& prop);
    /// Like protect() but the new property is op(old) (e.g. clear kW for copy-on-write).
    size_t protect_with(size_t len, PageProperty (*op)(PageProperty old, void* ctx), void* ctx);
    /// Issues the pending TLB invalidations and drops unmapped frames now.
    void flush_tlb() { flusher_.flush(); }

private:
    friend class VmSpace;
    CursorMut(Ref<VmSpace> space, VaRange range)
        : space_(std::move(space)),
          range_(range),
          va_(range.start),
          flusher_(space_->root_paddr()) {}
    void check_len(size_t len) const;

    Ref<VmSpace> space_;
    VaRange range_;
    Vaddr va_;
    TlbFlusher flusher_;
};

}  // namespace ostd
