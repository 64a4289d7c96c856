// VmSpace and its cursors: range checks, locking and TLB batching around the page table.
#include <ostd/mm/vm_space.h>

#include <new>

#include "hal/tlb.h"
#include "mm/frame_raw.h"
#include "mm/page_table.h"

namespace ostd {

Result<Ref<VmSpace>> VmSpace::create() {
    Ref<VmSpace> space = TRY(try_make_ref<VmSpace>());
    detail::PageTable pt = TRY(detail::PageTable::create());
    void* mem = heap::alloc(sizeof(detail::PageTable), alignof(detail::PageTable));
    if (!mem) return Error(ENOMEM, "kernel heap exhausted");
    space->root_paddr_ = pt.root_paddr();
    SpinLockGuard g(space->lock_);
    space->pt_ = new (mem) detail::PageTable(std::move(pt));
    return space;
}

VmSpace::~VmSpace() {
    SpinLockGuard g(lock_);
    if (!pt_) return;
    hal::tlb_flush_all(root_paddr_);
    pt_->~PageTable();
    heap::free(pt_);
    pt_ = nullptr;
}

Result<VaRange> VmSpace::check_range(VaRange r) {
    if (!r.start.is_page_aligned() || !r.end.is_page_aligned() || r.start >= r.end ||
        r.start < kUserStart || r.end > kUserEnd)
        return Error(EINVAL, "cursor range must be page aligned, non-empty and in user space");
    return r;
}

Result<Cursor> VmSpace::cursor(VaRange range) {
    TRY(check_range(range));
    return Cursor(Ref<VmSpace>(*this), range);
}

Result<CursorMut> VmSpace::cursor_mut(VaRange range) {
    TRY(check_range(range));
    return CursorMut(Ref<VmSpace>(*this), range);
}

void VmSpace::set_page_fault_handler(PageFaultHandler fn, void* context) {
    SpinLockGuard g(lock_);
    fault_handler_ = fn;
    fault_context_ = context;
}

Result<void> VmSpace::handle_page_fault(Vaddr va, const PageFaultInfo& info) {
    PageFaultHandler fn;
    void* ctx;
    {
        SpinLockGuard g(lock_);
        fn = fault_handler_;
        ctx = fault_context_;
    }
    if (!fn || va < kUserStart || va >= kUserEnd) return Error(EFAULT, "unhandled page fault");
    return fn(*this, va.page_down(), info, ctx);
}

size_t VmSpace::page_table_pages() const {
    SpinLockGuard g(lock_);
    return pt_->table_pages();
}

namespace {
std::optional<MappedPage> query_locked(const detail::PageTable& pt, Vaddr va) {
    auto leaf = pt.query(va.value());
    if (!leaf) return std::nullopt;
    return MappedPage{FrameRaw::clone_raw(leaf->pfn), leaf->prop};
}

void check_jump(VaRange range, Vaddr va) {
    ORRERY_ASSERT(va.is_page_aligned() && va >= range.start && va <= range.end,
                  "cursor jump to %#lx outside its range or unaligned",
                  static_cast<unsigned long>(va.value()));
}
}  // namespace

std::optional<MappedPage> Cursor::query() const {
    ORRERY_ASSERT(va_ < range_.end, "cursor query at the end of its range");
    SpinLockGuard g(space_->lock_);
    return query_locked(*space_->pt_, va_);
}

void Cursor::jump(Vaddr va) {
    check_jump(range_, va);
    va_ = va;
}

std::optional<MappedPage> CursorMut::query() const {
    ORRERY_ASSERT(va_ < range_.end, "cursor query at the end of its range");
    SpinLockGuard g(space_->lock_);
    return query_locked(*space_->pt_, va_);
}

void CursorMut::jump(Vaddr va) {
    check_jump(range_, va);
    va_ = va;
}

namespace {
// The shared body of Cursor/CursorMut::find_next; va advances to the page found or to the end.
std::optional<Vaddr> find_next_in(SpinLock& lock, const detail::PageTable* pt, VaRange range,
                                  Vaddr& va, size_t len) {
    ORRERY_ASSERT(len % kPageSize == 0 && len <= range.end - va,
                  "cursor length %#zx unaligned or past the end of its range", len);
    uint64_t end = va.value() + len;
    uint64_t found;
    {
        SpinLockGuard g(lock);
        found = pt->next_populated(va.value(), end);
    }
    va = Vaddr(found);
    if (found >= end) return std::nullopt;
    return va;
}
}  // namespace

std::optional<Vaddr> Cursor::find_next(size_t len) {
    return find_next_in(space_->lock_, space_->pt_, range_, va_, len);
}

std::optional<Vaddr> CursorMut::find_next(size_t len) {
    return find_next_in(space_->lock_, space_->pt_, range_, va_, len);
}

Result<void> CursorMut::map(Frame frame, const PageProperty& prop) {
    ORRERY_ASSERT(va_ < range_.end, "CursorMut::map at %#lx, past the end of its range",
                  static_cast<unsigned long>(va_.value()));
    {
        SpinLockGuard g(space_->lock_);
        TRY(space_->pt_->map(va_.value(), std::move(frame), prop));
    }
    va_ += kPageSize;
    return ok();
}

void CursorMut::check_len(size_t len) const {
    ORRERY_ASSERT(len % kPageSize == 0 && len <= range_.end - va_,
                  "cursor length %#zx unaligned or past the end of its range", len);
}

size_t CursorMut::unmap(size_t len) {
    check_len(len);
    uint64_t end = va_.value() + len;
    size_t n = 0;
    {
        SpinLockGuard g(space_->lock_);
        detail::PageTable& pt = *space_->pt_;
        for (uint64_t va = pt.next_populated(va_.value(), end); va < end;
             va = pt.next_populated(va + kPageSize, end))
            n += pt.unmap(va, flusher_) ? 1 : 0;
    }
    va_ = Vaddr(end);
    return n;
}

namespace {
PageProperty replace_prop(PageProperty, void* ctx) {
    return *static_cast<PageProperty*>(ctx);
}
}  // namespace

size_t CursorMut::protect(size_t len, const PageProperty& prop) {
    PageProperty copy = prop;
    return protect_with(len, &replace_prop, &copy);
}

size_t CursorMut::protect_with(size_t len, PageProperty (*op)(PageProperty, void*), void* ctx) {
    check_len(len);
    uint64_t end = va_.value() + len;
    size_t n = 0;
    {
        SpinLockGuard g(space_->lock_);
        detail::PageTable& pt = *space_->pt_;
        auto apply = [&](PageProperty old) { return op(old, ctx); };
        for (uint64_t va = pt.next_populated(va_.value(), end); va < end;
             va = pt.next_populated(va + kPageSize, end))
            n += pt.protect(va, apply, flusher_) ? 1 : 0;
    }
    va_ = Vaddr(end);
    return n;
}

}  // namespace ostd
