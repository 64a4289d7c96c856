// AddressSpace: VMA bookkeeping and the mmap family over an ostd VmSpace, demand paging and
// copy-on-write. Private pages are mapped writable only after a write fault proved the frame is
// exclusively ours, which keeps fork and mprotect simple: they only ever remove write access.
#include <kernel/vm/address_space.h>

namespace kernel {
namespace {

using ostd::kPageSize;
using ostd::Vaddr;

constexpr uint64_t kUserLo = ostd::kUserStart.value();
constexpr uint64_t kUserHi = ostd::kUserEnd.value();
constexpr size_t kMaxVmas = 65530;  // vm.max_map_count
// fault_locked's requests to handle_fault: fetch the page without the lock, then retry.
constexpr int kNeedFilePage = -1;    // a private copy of a file page (PageSource::read_page)
constexpr int kNeedSharedPage = -2;  // the file's own frame (PageSource::shared_page)

bool is_aligned(uint64_t v) { return (v & (kPageSize - 1)) == 0; }

ostd::Result<void> page_fault_hook(ostd::VmSpace&, ostd::Vaddr va, const ostd::PageFaultInfo& info,
                                   void* context) {
    auto* as = static_cast<AddressSpace*>(context);
    FaultAccess access{info.access == ostd::AccessKind::kWrite, false, info.page_present};
    if (as->handle_fault(va.value(), access) != 0) return ostd::Error(EFAULT);
    return ostd::ok();
}

ostd::PageProperty without_write(ostd::PageProperty p) {
    p.flags = p.flags & ~ostd::PageFlags::kW;
    return p;
}

}  // namespace

ostd::PageProperty page_prop_for(uint32_t prot) {
    ostd::PageFlags f = ostd::PageFlags::kNone;
    if (prot & (kProtRead | kProtWrite | kProtExec)) f = f | ostd::PageFlags::kR;
    if (prot & kProtWrite) f = f | ostd::PageFlags::kW;
    if (prot & kProtExec) f = f | ostd::PageFlags::kX;
    return ostd::PageProperty::user(f);
}

ostd::Result<ostd::Ref<AddressSpace>> AddressSpace::create() {
    auto space = TRY(ostd::VmSpace::create());
    auto as = TRY(ostd::try_make_ref<AddressSpace>(std::move(space)));
    as->space_->set_page_fault_handler(&page_fault_hook, as.ptr());
    return as;
}

AddressSpace::~AddressSpace() {
    space_->set_page_fault_handler(nullptr, nullptr);
    // The VmSpace unmaps everything when its last reference goes.
}

size_t AddressSpace::find_index_locked(uint64_t va) {
    size_t lo = 0, hi = vmas_.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (vmas_[mid].end.value() <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool AddressSpace::range_free_locked(uint64_t start, uint64_t end) {
    size_t i = find_index_locked(start);
    return i == vmas_.size() || vmas_[i].start.value() >= end;
}

ostd::Result<uint64_t> AddressSpace::find_free_locked(uint64_t len, uint64_t hint) {
    if (hint && is_aligned(hint) && hint >= kUserLo && hint < kUserHi && len <= kUserHi - hint &&
        range_free_locked(hint, hint + len))
        return hint;
    // Top-down from kMmapTop, like Linux's default layout.
    uint64_t top = kMmapTop;
    for (size_t i = vmas_.size(); i-- > 0;) {
        const Vma& v = vmas_[i];
        if (v.start.value() >= top) continue;
        if (v.end.value() < top && top - v.end.value() >= len) return top - len;
        top = v.start.value();
    }
    if (top > kUserLo && top - kUserLo >= len) return top - len;
    return ostd::Error(ENOMEM, "address space full");
}

ostd::Result<void> AddressSpace::split_at_locked(uint64_t va) {
    size_t i = find_index_locked(va);
    if (i == vmas_.size() || vmas_[i].start.value() >= va) return ostd::ok();
    if (vmas_.size() >= kMaxVmas) return ostd::Error(ENOMEM, "too many mappings");
    Vma upper = vmas_[i];
    upper.shm_pgoff += (va - upper.start.value()) / kPageSize;
    upper.source_off += va - upper.start.value();
    upper.start = Vaddr(va);
    TRY(vmas_.insert(i + 1, std::move(upper)));
    vmas_[i].end = Vaddr(va);
    return ostd::ok();
}

void AddressSpace::unmap_pages(uint64_t start, uint64_t end) {
    auto cursor = space_->cursor_mut({Vaddr(start), Vaddr(end)});
    if (cursor.is_ok()) (void)cursor.value().unmap(end - start);
}

ostd::Result<void> AddressSpace::unmap_locked(uint64_t start, uint64_t end) {
    TRY(split_at_locked(start));
    TRY(split_at_locked(end));
    size_t first = find_index_locked(start);
    size_t last = first;
    while (last < vmas_.size() && vmas_[last].start.value() < end) ++last;
    vmas_.erase_range(first, last);
    unmap_pages(start, end);
    return ostd::ok();
}

ostd::Result<void> AddressSpace::insert_locked(Vma vma) {
    if (vmas_.size() >= kMaxVmas) return ostd::Error(ENOMEM, "too many mappings");
    size_t i = find_index_locked(vma.start.value());
    return vmas_.insert(i, std::move(vma));
}

ostd::Result<uint64_t> AddressSpace::map_anonymous(const MapRequest& req) {
    if (req.len == 0) return ostd::Error(EINVAL, "zero-length mapping");
    if (req.len > kUserHi) return ostd::Error(ENOMEM, "mapping larger than the address space");
    uint64_t len = ostd::align_up(req.len, kPageSize);
    bool fixed = req.fixed || req.fixed_noreplace;
    if (fixed && !is_aligned(req.addr)) return ostd::Error(EINVAL, "unaligned fixed address");
    uint64_t addr;
    {
        ostd::MutexGuard g(lock_);
        if (fixed) {
            if (req.addr < kUserLo || req.addr >= kUserHi || len > kUserHi - req.addr)
                return ostd::Error(ENOMEM, "fixed mapping outside the user range");
            if (!range_free_locked(req.addr, req.addr + len)) {
                if (req.fixed_noreplace) return ostd::Error(EEXIST);
                TRY(unmap_locked(req.addr, req.addr + len));
            }
            addr = req.addr;
        } else {
            addr = TRY(find_free_locked(len, req.addr & ~(kPageSize - 1)));
        }
        Vma vma;
        vma.start = Vaddr(addr);
        vma.end = Vaddr(addr + len);
        vma.prot = req.prot;
        vma.shared = req.shared;
        vma.grows_down = req.grows_down;
        vma.name = req.name;
        if (req.source) {
            vma.source = req.source;
            vma.source_off = req.source_off;
        } else if (req.shared) {
            vma.shm = TRY(SharedMemory::create(len / kPageSize));
        }
        TRY(insert_locked(std::move(vma)));
    }
    if (req.populate) {
        FaultAccess access{(req.prot & kProtWrite) != 0, false, false};
        for (uint64_t va = addr; va < addr + len; va += kPageSize)
            if (handle_fault(va, access) == static_cast<int>(FaultError::kOom))
                return ostd::Error(ENOMEM);
    }
    return addr;
}

ostd::Result<void> AddressSpace::unmap(uint64_t addr, uint64_t len) {
    if (!is_aligned(addr) || len == 0) return ostd::Error(EINVAL);
    len = ostd::align_up(len, kPageSize);
    if (addr >= kUserHi || len > kUserHi - addr) return ostd::Error(EINVAL);
    if (addr + len <= kUserLo) return ostd::ok();
    if (addr < kUserLo) {
        len -= kUserLo - addr;
        addr = kUserLo;
    }
    ostd::MutexGuard g(lock_);
    return unmap_locked(addr, addr + len);
}

ostd::Result<void> AddressSpace::protect(uint64_t addr, uint64_t len, uint32_t prot,
                                         bool growsdown) {
    if (!is_aligned(addr)) return ostd::Error(EINVAL);
    if (prot & ~uint32_t{kProtRead | kProtWrite | kProtExec}) return ostd::Error(EINVAL);
    if (len == 0) return ostd::ok();
    len = ostd::align_up(len, kPageSize);
    if (addr < kUserLo || addr >= kUserHi || len > kUserHi - addr) return ostd::Error(ENOMEM);
    uint64_t end = addr + len;
    ostd::MutexGuard g(lock_);
    size_t first = find_index_locked(addr);
    if (first == vmas_.size() || vmas_[first].start.value() >= end) return ostd::Error(ENOMEM);
    if (growsdown) {
        if (!vmas_[first].grows_down) return ostd::Error(EINVAL);
        addr = vmas_[first].start.value();
    }
    // Walk the mappings in order, changing each; a hole stops the walk with ENOMEM (what came
    // before it stays changed, as on Linux).
    uint64_t cursor_va = addr;
    while (cursor_va < end) {
        size_t i = find_index_locked(cursor_va);
        if (i == vmas_.size() || vmas_[i].start.value() > cursor_va)
            return ostd::Error(ENOMEM, "mprotect over unmapped memory");
        TRY(split_at_locked(cursor_va));
        uint64_t stop = vmas_[find_index_locked(cursor_va)].end.value();
        if (stop > end) stop = end;
        TRY(split_at_locked(stop));
        Vma& v = vmas_[find_index_locked(cursor_va)];
        v.prot = prot;
        ostd::PageProperty p = page_prop_for(prot);
        if (!v.shared) p = without_write(p);  // Write access returns through the fault path.
        auto cursor = space_->cursor_mut({v.start, v.end});
        if (cursor.is_ok()) (void)cursor.value().protect(v.size(), p);
        cursor_va = stop;
    }
    return ostd::ok();
}

ostd::Result<void> AddressSpace::discard(uint64_t addr, uint64_t len) {
    if (!is_aligned(addr)) return ostd::Error(EINVAL);
    if (len == 0) return ostd::ok();
    len = ostd::align_up(len, kPageSize);
    if (addr < kUserLo || addr >= kUserHi || len > kUserHi - addr) return ostd::Error(ENOMEM);
    ostd::MutexGuard g(lock_);
    uint64_t cover = addr;
    for (size_t i = find_index_locked(addr); i < vmas_.size() && cover < addr + len; ++i) {
        if (vmas_[i].start.value() > cover) break;
        cover = vmas_[i].end.value();
    }
    if (cover < addr + len) return ostd::Error(ENOMEM);
    unmap_pages(addr, addr + len);
    return ostd::ok();
}

void AddressSpace::set_brk_base(uint64_t base) {
    ostd::MutexGuard g(lock_);
    brk_base_ = brk_ = ostd::align_up(base, kPageSize);
}

uint64_t AddressSpace::brk(uint64_t new_brk) {
    uint64_t old_end, new_end, base, cur;
    {
        ostd::MutexGuard g(lock_);
        base = brk_base_;
        cur = brk_;
        if (new_brk < base || new_brk >= kMmapTop) return cur;
        old_end = ostd::align_up(cur, kPageSize);
        new_end = ostd::align_up(new_brk, kPageSize);
        if (new_end == old_end) {
            brk_ = new_brk;
            return new_brk;
        }
        if (new_end < old_end) {
            if (unmap_locked(new_end, old_end).is_error()) return cur;
            brk_ = new_brk;
            return new_brk;
        }
        if (!range_free_locked(old_end, new_end)) return cur;
        Vma vma;
        vma.start = Vaddr(old_end);
        vma.end = Vaddr(new_end);
        vma.prot = kProtRead | kProtWrite;
        vma.name = "[heap]";
        if (insert_locked(std::move(vma)).is_error()) return cur;
        brk_ = new_brk;
    }
    return new_brk;
}

int AddressSpace::handle_fault(uint64_t va, const FaultAccess& access) {
    ostd::RefPtr<PageSource> source;
    uint64_t offset = 0;
    bool shared = false;
    {
        ostd::MutexGuard g(lock_);
        int r = fault_locked(va, access, nullptr, &source, &offset);
        if (r != kNeedFilePage && r != kNeedSharedPage) return r;
        shared = r == kNeedSharedPage;
    }
    // File page: fetch it without the lock (reading may fault on other memory and take file
    // locks, which must never nest inside lock_), then retry with the frame.
    ostd::Result<ostd::Frame> frame = ostd::Error(ENOMEM);
    if (shared) {
        frame = source->shared_page(offset);
        if (frame.is_error())
            return static_cast<int>(frame.error().code() == ENOMEM ? FaultError::kOom
                                                                    : FaultError::kBus);
    } else {
        frame = ostd::Frame::alloc();
        if (frame.is_error()) return static_cast<int>(FaultError::kOom);
        if (source->read_page(offset, frame.value()).is_error())
            return static_cast<int>(FaultError::kMapErr);
    }
    ostd::MutexGuard g(lock_);
    ostd::RefPtr<PageSource> again;
    int r = fault_locked(va, access, &frame.value(), &again, &offset);
    return r < 0 ? static_cast<int>(FaultError::kMapErr) : r;
}

int AddressSpace::fault_locked(uint64_t va, const FaultAccess& access,
                               const ostd::Frame* prefilled, ostd::RefPtr<PageSource>* source,
                               uint64_t* offset) {
    constexpr int kMapErr = static_cast<int>(FaultError::kMapErr);
    constexpr int kAccErr = static_cast<int>(FaultError::kAccErr);
    constexpr int kOom = static_cast<int>(FaultError::kOom);
    size_t i = find_index_locked(va);
    if (i == vmas_.size() || vmas_[i].start.value() > va) return kMapErr;
    const Vma& v = vmas_[i];
    if (access.write && !(v.prot & kProtWrite)) return kAccErr;
    if (access.fetch && !(v.prot & kProtExec)) return kAccErr;
    if (v.prot == kProtNone) return kAccErr;

    Vaddr page = Vaddr(va).page_down();
    auto cursor_r = space_->cursor_mut({page, page + kPageSize});
    if (cursor_r.is_error()) return kMapErr;
    ostd::CursorMut& cursor = cursor_r.value();
    ostd::PageProperty prop = page_prop_for(v.prot);
    auto mapped = cursor.query();

    if (!mapped) {
        if (v.shared && v.source) {
            uint64_t off = v.source_off + (page - v.start);
            if (!prefilled) {
                *source = v.source;
                *offset = off;
                return kNeedSharedPage;
            }
            // Checked under lock_: a truncate that shrinks the file first unmaps with lock_
            // held, so a page past the new end is never mapped after it.
            if (off >= v.source->file_size()) return static_cast<int>(FaultError::kBus);
            if (cursor.map(*prefilled, prop).is_error()) return kOom;
            return 0;
        }
        if (v.shared) {
            auto frame = v.shm->page(v.shm_pgoff + (page - v.start) / kPageSize);
            if (frame.is_error()) return kOom;
            if (cursor.map(frame.release_value(), prop).is_error()) return kOom;
            return 0;
        }
        if (v.source) {
            if (!prefilled) {
                *source = v.source;
                *offset = v.source_off + (page - v.start);
                return kNeedFilePage;
            }
            // Our own copy of the file page: writable at once if the mapping allows it.
            if (cursor.map(*prefilled, prop).is_error()) return kOom;
            return 0;
        }
        auto frame = ostd::Frame::alloc();
        if (frame.is_error()) return kOom;
        // A fresh private frame is exclusively ours: map it writable at once if allowed.
        if (cursor.map(frame.release_value(), prop).is_error()) return kOom;
        return 0;
    }
    if (!access.write || ostd::has_flags(mapped->prop.flags, ostd::PageFlags::kW))
        return 0;  // Spurious (another thread resolved it) or a read of a present page.
    if (v.shared) {
        (void)cursor.protect(kPageSize, prop);
        return 0;
    }
    // Copy-on-write. `mapped` holds one reference; the page table another.
    if (mapped->frame.ref_count() <= 2) {
        (void)cursor.protect(kPageSize, prop);
        return 0;
    }
    auto copy = ostd::Frame::alloc({.count = 1, .zero = ostd::ZeroFill::kUninit});
    if (copy.is_error()) return kOom;
    auto reader = mapped->frame.reader();
    auto writer = copy.value().writer();
    if (reader.read_to(writer).is_error()) return kOom;
    (void)cursor.unmap(kPageSize);
    cursor.flush_tlb();
    cursor.jump(page);
    if (cursor.map(copy.release_value(), prop).is_error()) return kOom;
    return 0;
}

ostd::Result<ostd::Ref<AddressSpace>> AddressSpace::fork() {
    auto child = TRY(AddressSpace::create());
    ostd::MutexGuard g(lock_);
    ostd::MutexGuard cg(child->lock_);
    child->brk_base_ = brk_base_;
    child->brk_ = brk_;
    child->layout_ = layout_;
    TRY(child->vmas_.reserve(vmas_.size()));
    for (const Vma& v : vmas_) {
        TRY(child->vmas_.push_back(v));
        if (v.shared) continue;  // The child faults shared pages in from the same memory.
        auto src = TRY(space_->cursor_mut({v.start, v.end}));
        auto dst = TRY(child->space_->cursor_mut({v.start, v.end}));
        while (auto at = src.find_next(v.end - src.virt_addr())) {
            Vaddr va = *at;
            auto mapped = src.query();
            if (!mapped) {
                src.jump(va + kPageSize);
                continue;
            }
            ostd::PageProperty ro = without_write(mapped->prop);
            if (ostd::has_flags(mapped->prop.flags, ostd::PageFlags::kW))
                (void)src.protect(kPageSize, ro);  // advances past va
            else
                src.jump(va + kPageSize);
            dst.jump(va);
            TRY(dst.map(mapped->frame, ro));
        }
        src.flush_tlb();
    }
    return child;
}

ostd::Result<uint64_t> AddressSpace::remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                                           uint32_t flags, uint64_t new_addr) {
    constexpr uint32_t kMayMove = 1, kFixed = 2, kDontUnmap = 4;
    if (flags & ~(kMayMove | kFixed | kDontUnmap)) return ostd::Error(EINVAL);
    if ((flags & kFixed) && !(flags & kMayMove)) return ostd::Error(EINVAL);
    if (flags & kDontUnmap) return ostd::Error(EINVAL, "MREMAP_DONTUNMAP not supported");
    if (!is_aligned(old_addr) || new_len == 0) return ostd::Error(EINVAL);
    if (old_len > kUserHi || new_len > kUserHi) return ostd::Error(ENOMEM);
    old_len = ostd::align_up(old_len, kPageSize);
    new_len = ostd::align_up(new_len, kPageSize);
    if (old_len == 0) return ostd::Error(EINVAL, "mremap of a shared duplicate is unsupported");
    ostd::MutexGuard g(lock_);
    size_t i = find_index_locked(old_addr);
    if (i == vmas_.size() || vmas_[i].start.value() > old_addr ||
        vmas_[i].end.value() < old_addr + old_len)
        return ostd::Error(EFAULT, "mremap range not within one mapping");
    if (vmas_[i].shared) return ostd::Error(EINVAL, "mremap of shared mappings is unsupported");
    if (!(flags & kFixed)) {
        if (new_len <= old_len) {
            if (new_len < old_len) TRY(unmap_locked(old_addr + new_len, old_addr + old_len));
            return old_addr;
        }
        // Grow in place when the VMA ends at the old range and the space after it is free.
        if (vmas_[i].end.value() == old_addr + old_len &&
            old_addr + new_len <= kUserHi &&
            range_free_locked(old_addr + old_len, old_addr + new_len)) {
            vmas_[i].end = Vaddr(old_addr + new_len);
            return old_addr;
        }
        if (!(flags & kMayMove)) return ostd::Error(ENOMEM);
    }
    uint64_t dest;
    if (flags & kFixed) {
        if (!is_aligned(new_addr) || new_addr < kUserLo || new_len > kUserHi - new_addr)
            return ostd::Error(EINVAL);
        if (new_addr < old_addr + old_len && old_addr < new_addr + new_len)
            return ostd::Error(EINVAL, "mremap ranges overlap");
        TRY(unmap_locked(new_addr, new_addr + new_len));
        dest = new_addr;
    } else {
        dest = TRY(find_free_locked(new_len, 0));
    }
    i = find_index_locked(old_addr);
    Vma moved = vmas_[i];
    moved.source_off += old_addr - moved.start.value();
    moved.start = Vaddr(dest);
    moved.end = Vaddr(dest + new_len);
    auto src = TRY(space_->cursor_mut({Vaddr(old_addr), Vaddr(old_addr + old_len)}));
    auto dst = TRY(space_->cursor_mut({Vaddr(dest), Vaddr(dest + new_len)}));
    uint64_t copy_len = old_len < new_len ? old_len : new_len;
    while (auto at = src.find_next(old_addr + copy_len - src.virt_addr().value())) {
        uint64_t off = at->value() - old_addr;
        auto mapped = src.query();
        src.jump(*at + kPageSize);
        if (!mapped) continue;
        dst.jump(Vaddr(dest + off));
        TRY(dst.map(mapped->frame, mapped->prop));
    }
    TRY(insert_locked(std::move(moved)));
    TRY(unmap_locked(old_addr, old_addr + old_len));
    return dest;
}

void AddressSpace::unmap_file_pages(const void* key, uint64_t from) {
    uint64_t first = ostd::align_up(from, kPageSize);
    ostd::MutexGuard g(lock_);
    for (const Vma& v : vmas_) {
        if (!v.shared || !v.source || v.source->file_key() != key) continue;
        uint64_t end_off = v.source_off + v.size();
        if (end_off <= first) continue;
        uint64_t start = first <= v.source_off ? v.start.value()
                                               : v.start.value() + (first - v.source_off);
        unmap_pages(start, v.end.value());
    }
}

ostd::Result<void> AddressSpace::check_mapped(uint64_t addr, uint64_t len) {
    uint64_t end = addr + ostd::align_up(len, kPageSize);
    ostd::MutexGuard g(lock_);
    uint64_t at = addr;
    for (size_t i = find_index_locked(addr); i < vmas_.size() && at < end; ++i) {
        if (vmas_[i].start.value() > at) break;
        at = vmas_[i].end.value();
    }
    if (at < end) return ostd::Error(ENOMEM, "range not fully mapped");
    return ostd::ok();
}

ostd::Result<ostd::Vector<Vma>> AddressSpace::snapshot() {
    ostd::MutexGuard g(lock_);
    ostd::Vector<Vma> out;
    TRY(out.reserve(vmas_.size()));
    for (const Vma& v : vmas_) TRY(out.push_back(v));
    return out;
}

void AddressSpace::set_image_layout(const ImageLayout& layout) {
    ostd::MutexGuard g(lock_);
    layout_ = layout;
}

AddressSpace::ImageLayout AddressSpace::image_layout() {
    ostd::MutexGuard g(lock_);
    return layout_;
}

uint64_t AddressSpace::mapped_bytes() {
    ostd::MutexGuard g(lock_);
    uint64_t n = 0;
    for (const Vma& v : vmas_) n += v.size();
    return n;
}

uint64_t AddressSpace::resident_pages() {
    ostd::MutexGuard g(lock_);
    uint64_t n = 0;
    for (const Vma& v : vmas_) {
        auto c = space_->cursor({v.start, v.end});
        if (c.is_error()) continue;
        while (auto at = c.value().find_next(v.end - c.value().virt_addr())) {
            if (c.value().query()) ++n;
            c.value().jump(*at + kPageSize);
        }
    }
    return n;
}

}  // namespace kernel
