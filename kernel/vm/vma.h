// Virtual memory areas: one contiguous range of a process's address space with uniform rights
// and backing (private anonymous, shared anonymous, later files).
#pragma once

#include <cstdint>
#include <optional>

#include <ostd/common/ref.h>
#include <ostd/common/types.h>
#include <ostd/ktl/string.h>
#include <ostd/ktl/vector.h>
#include <ostd/mm/frame.h>
#include <ostd/sync/mutex.h>

namespace kernel {

/// PROT_* bits as in mmap(2).
enum VmProt : uint32_t { kProtNone = 0, kProtRead = 1, kProtWrite = 2, kProtExec = 4 };

/// Pages shared between address spaces (MAP_SHARED|MAP_ANONYMOUS, System V shm later): a
/// sparse array of frames indexed by page offset, filled on first touch.
class SharedMemory : public ostd::RefCounted<SharedMemory> {
public:
    static ostd::Result<ostd::Ref<SharedMemory>> create(uint64_t pages);
    /// The frame at page index `index`, allocated zeroed on first use. ENOMEM; EINVAL past end.
    ostd::Result<ostd::Frame> page(uint64_t index);
    uint64_t pages() const { return pages_; }

private:
    template <typename T, typename... Args>
    friend ostd::Result<ostd::Ref<T>> ostd::try_make_ref(Args&&... args);
    SharedMemory() = default;
    ostd::Mutex lock_;
    ostd::Vector<std::optional<ostd::Frame>> frames_ ORRERY_GUARDED_BY(lock_);
    uint64_t pages_ = 0;
};

/// Where the pages of a file mapping come from (implemented by the VFS). read_page fills a zeroed
/// frame with the bytes at `offset` (short at end of file). Called without VM locks held.
class PageSource : public ostd::RefCounted<PageSource> {
public:
    virtual ~PageSource() = default;
    virtual ostd::Result<void> read_page(uint64_t offset, const ostd::Frame& frame) = 0;
    /// How /proc/pid/maps names the mapped file: device, inode and path.
    struct Identity {
        uint32_t dev_major = 0, dev_minor = 0;
        uint64_t ino = 0;
        ostd::String path;
    };
    /// ENOMEM. Default: an unnamed source.
    virtual ostd::Result<Identity> identity() { return Identity{}; }

    /// MAP_SHARED: the file's own frame (its page cache) for the page at `offset`, mapped as
    /// is so writes reach the file and every mapper. ENXIO past the end of the file (SIGBUS);
    /// ENODEV when the file cannot share pages; ENOSPC, ENOMEM.
    virtual ostd::Result<ostd::Frame> shared_page(uint64_t offset) {
        (void)offset;
        return ostd::Error(ENODEV);
    }
    /// The file's current size: shared pages from past it are not mapped (SIGBUS).
    virtual uint64_t file_size() { return ~uint64_t{0}; }
    /// Names the underlying file for unmap_shared_file_pages() (null: none).
    virtual const void* file_key() const { return nullptr; }
};

struct Vma {
    ostd::Vaddr start;
    ostd::Vaddr end;
    uint32_t prot = kProtNone;
    bool shared = false;     // MAP_SHARED: writes are visible to every mapper.
    bool grows_down = false; // The stack.
    ostd::RefPtr<SharedMemory> shm;  // Backing for shared anonymous mappings.
    uint64_t shm_pgoff = 0;          // Page index in shm of `start`.
    ostd::RefPtr<PageSource> source;  // File mappings: the file's pages (copies unless shared).
    uint64_t source_off = 0;          // File offset of `start`.
    const char* name = nullptr;      // "[heap]", "[stack]" for /proc/pid/maps; static strings.

    uint64_t size() const { return end - start; }
    bool contains(ostd::Vaddr va) const { return va >= start && va < end; }
};

}  // namespace kernel
