// AddressSpace: a process's user memory — the VMA list over an ostd VmSpace — and the Linux
// calls that change it (mmap, munmap, mprotect, mremap, brk, madvise), demand paging and
// copy-on-write fork. Lock order: AddressSpace::lock_ -> VmSpace (ostd) -> frame allocator.
#pragma once

#include <cstdint>

#include <ostd/common/ref.h>
#include <ostd/common/result.h>
#include <ostd/ktl/vector.h>
#include <ostd/mm/vm_space.h>
#include <ostd/sync/mutex.h>

#include <kernel/vm/vma.h>

namespace kernel {

/// Why a user access faulted, from the CPU exception.
struct FaultAccess {
    bool write = false;
    bool fetch = false;
    bool present = false;  // The page was mapped but the access was not allowed.
};

/// si_code for a fault the kernel could not resolve (SEGV_MAPERR / SEGV_ACCERR).
enum class FaultError : int { kMapErr = 1, kAccErr = 2, kOom = 100, kBus = 101 };

class AddressSpace : public ostd::RefCounted<AddressSpace> {
public:
    /// Top of the stack area and bottom of the mmap area, within the user window.
    static constexpr uint64_t kStackTop = 0x7ffe0000;
    static constexpr uint64_t kMmapTop = kStackTop - (16u << 20);  // mmap grows down from here.
    static constexpr uint64_t kMaxStack = 8u << 20;

    /// An empty address space. ENOMEM.
    static ostd::Result<ostd::Ref<AddressSpace>> create();
    ~AddressSpace();

    ostd::VmSpace& vm_space() { return *space_; }

    // mmap(2) flags this layer understands (the syscall layer validates the rest).
    struct MapRequest {
        uint64_t addr = 0;
        uint64_t len = 0;
        uint32_t prot = 0;
        bool shared = false;
        bool fixed = false;            // MAP_FIXED: replace what is there.
        bool fixed_noreplace = false;  // MAP_FIXED_NOREPLACE: EEXIST if anything is there.
        bool grows_down = false;
        bool populate = false;
        const char* name = nullptr;
        ostd::RefPtr<PageSource> source;  // Set for private file mappings.
        uint64_t source_off = 0;          // Page-aligned file offset.
    };
    /// Creates an anonymous mapping; returns its address. EINVAL (bad len/addr), ENOMEM (no
    /// room, too many VMAs, or out of memory), EEXIST (FIXED_NOREPLACE over a mapping).
    ostd::Result<uint64_t> map_anonymous(const MapRequest& req);
    /// munmap(2): EINVAL for unaligned addr, zero len, or outside the user range.
    ostd::Result<void> unmap(uint64_t addr, uint64_t len);
    /// mprotect(2): EINVAL for an unaligned addr; ENOMEM when part of the range is unmapped —
    /// like Linux, the mappings before the hole have been changed by then. With `growsdown`
    /// (PROT_GROWSDOWN) the range extends down to the start of a grows-down mapping (EINVAL if
    /// the first mapping is not one).
    ostd::Result<void> protect(uint64_t addr, uint64_t len, uint32_t prot,
                               bool growsdown = false);
    /// mremap(2) with MREMAP_MAYMOVE / MREMAP_FIXED semantics for anonymous private mappings.
    ostd::Result<uint64_t> remap(uint64_t old_addr, uint64_t old_len, uint64_t new_len,
                                 uint32_t flags, uint64_t new_addr);
    /// madvise(MADV_DONTNEED): private pages read back as zero afterwards.
    ostd::Result<void> discard(uint64_t addr, uint64_t len);
    /// brk(2): returns the new break (the old one when the request cannot be met).
    uint64_t brk(uint64_t new_brk);
    /// Sets the heap start (after loading a program image).
    void set_brk_base(uint64_t base);

    /// Where the image put its argument and environment strings and its stack (mm_struct's
    /// arg_start..env_end, start_stack): /proc/pid/{cmdline,environ,stat} read them. Copied by
    /// fork(); zero until a program is loaded.
    struct ImageLayout {
        uint64_t arg_start = 0, arg_end = 0;
        uint64_t env_start = 0, env_end = 0;
        uint64_t start_stack = 0;
    };
    void set_image_layout(const ImageLayout& layout);
    ImageLayout image_layout();
    /// Total size of the mappings in bytes (VmSize, statm's size).
    uint64_t mapped_bytes();

    /// Resolves a fault at va: demand-zero, shared memory or copy-on-write. Returns 0 when the
    /// access may be retried, else a FaultError value (SEGV si_code, or kOom when memory ran out).
    int handle_fault(uint64_t va, const FaultAccess& access);

    /// A copy-on-write duplicate for fork(2): private pages are shared read-only by both until
    /// written; shared mappings stay shared. ENOMEM.
    ostd::Result<ostd::Ref<AddressSpace>> fork();

    /// Unmaps the pages of this space's MAP_SHARED mappings of file `key` (PageSource::file_key)
    /// whose file offset is at or past `from` rounded up to a page: after a truncate, touching
    /// them faults again and gets SIGBUS.
    void unmap_file_pages(const void* key, uint64_t from);
    /// msync(2)'s range check: ENOMEM when part of [addr, addr + len) is unmapped.
    ostd::Result<void> check_mapped(uint64_t addr, uint64_t len);

    /// A copy of the VMA list (for /proc/pid/maps and tests). ENOMEM.
    ostd::Result<ostd::Vector<Vma>> snapshot();
    /// Number of pages currently mapped (resident) — for tests and /proc.
    uint64_t resident_pages();

private:
    template <typename T, typename... Args>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(Args&&... args);
    explicit AddressSpace(ostd::Ref<ostd::VmSpace> space) : space_(std::move(space)) {}

    size_t find_index_locked(uint64_t va) ORRERY_REQUIRES(lock_);
    bool range_free_locked(uint64_t start, uint64_t end) ORRERY_REQUIRES(lock_);
    ostd::Result<uint64_t> find_free_locked(uint64_t len, uint64_t hint) ORRERY_REQUIRES(lock_);
    ostd::Result<void> split_at_locked(uint64_t va) ORRERY_REQUIRES(lock_);
    ostd::Result<void> unmap_locked(uint64_t start, uint64_t end) ORRERY_REQUIRES(lock_);
    ostd::Result<void> insert_locked(Vma vma) ORRERY_REQUIRES(lock_);
    void unmap_pages(uint64_t start, uint64_t end);
    /// Returns 0 / a FaultError, or -1 (-2) when the page must first be read (for a shared
    /// mapping: fetched) from `*source` at `*offset` — done by the caller without the lock,
    /// then the fault is retried with the frame.
    int fault_locked(uint64_t va, const FaultAccess& access, const ostd::Frame* prefilled,
                     ostd::RefPtr<PageSource>* source, uint64_t* offset) ORRERY_REQUIRES(lock_);

    ostd::Mutex lock_;
    ostd::Ref<ostd::VmSpace> space_;
    ostd::Vector<Vma> vmas_ ORRERY_GUARDED_BY(lock_);  // Sorted by start, non-overlapping.
    uint64_t brk_base_ ORRERY_GUARDED_BY(lock_) = 0;
    uint64_t brk_ ORRERY_GUARDED_BY(lock_) = 0;
    ImageLayout layout_ ORRERY_GUARDED_BY(lock_);
};

/// PageProperty for a VMA's rights (W implies R on x86; private writable pages may be mapped
/// read-only for copy-on-write by the fault path).
ostd::PageProperty page_prop_for(uint32_t prot);

}  // namespace kernel
