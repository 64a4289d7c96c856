// Emulated RAM in a memfd. Physical address pa lives at ram_base() + pa.
#include "ram.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "hal/mem.h"

#ifdef ORRERY_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace ostd::host {
namespace {

int g_fd = -1;
std::byte* g_base = nullptr;
uint64_t g_size = 0;

// The RAM of the last machine, emptied (all zero) and kept mapped so the next
// machine of the same size skips memfd_create/ftruncate/mmap/munmap: fuzzers boot thousands of
// machines a second.
struct Retained {
    int fd = -1;
    std::byte* base = nullptr;
    uint64_t size = 0;
};
Retained g_retained;

// Frames the machine may have written (hal::note_frames_written): one bit per frame.
std::vector<uint64_t> g_written;

// Whether the current RAM came from g_retained, which is entirely poisoned (hal::ram_arrives_
// poisoned): retained RAM is poisoned everywhere (see empty_ram), fresh RAM nowhere.
bool g_arrives_poisoned = false;

// Empties the RAM for the next machine. Under ASan a frame the allocator never handed out is
// poisoned whenever it is free, so no instrumented write (nor a checked libc or host call) can
// have reached it: zeroing the written frames restores an all-zero RAM while its host pages
// stay mapped (no page faults on the next boot). The written frames are poisoned again after
// zeroing, so the emptied RAM is poisoned throughout and the next machine's memory bring-up
// need not poison its free frames (one shadow write per frame written instead of per frame of
// RAM). Elsewhere the whole file is punched out.
bool empty_ram() {
#ifdef ORRERY_ASAN
    const uint64_t pages = g_size / kPageSize;
    uint64_t p = 0;
    while (p < pages) {
        if ((g_written[p / 64] >> (p % 64)) == 0) {
            p = (p / 64 + 1) * 64;
            continue;
        }
        if (!((g_written[p / 64] >> (p % 64)) & 1)) {
            ++p;
            continue;
        }
        uint64_t run = p;
        while (run < pages && ((g_written[run / 64] >> (run % 64)) & 1))
            ++run;
        std::byte* at = g_base + p * kPageSize;
        size_t len = (run - p) * kPageSize;
        __asan_unpoison_memory_region(at, len);
        memset(at, 0, len);
        __asan_poison_memory_region(at, len);
        p = run;
    }
    std::fill(g_written.begin(), g_written.end(), 0);
    return true;
#else
    std::fill(g_written.begin(), g_written.end(), 0);
    return fallocate(g_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
                     static_cast<off_t>(g_size)) == 0;
#endif
}

// A later mapping at these addresses must not inherit poison on its shadow.
void unpoison(std::byte* base, uint64_t size) {
#ifdef ORRERY_ASAN
    __asan_unpoison_memory_region(base, size);
#else
    (void)base;
    (void)size;
#endif
}

void unmap_retained() {
    if (!g_retained.base) return;
    unpoison(g_retained.base, g_retained.size);
    munmap(g_retained.base, g_retained.size);
    close(g_retained.fd);
    g_retained = {};
}

}  // namespace

Result<void> ram_create(uint64_t bytes) {
    ORRERY_ASSERT(g_base == nullptr, "RAM already exists");
    if (bytes == 0 || bytes % kPageSize != 0) return Error(EINVAL, "RAM size must be whole pages");
    if (g_retained.base && g_retained.size == bytes) {
        g_fd = g_retained.fd;
        g_base = g_retained.base;
        g_size = g_retained.size;
        g_retained = {};
        g_written.assign(bytes / kPageSize / 64 + 1, 0);
#ifdef ORRERY_ASAN
        g_arrives_poisoned = true;
#endif
        return ok();
    }
    g_arrives_poisoned = false;
    unmap_retained();
    int fd = memfd_create("orrery-ram", MFD_CLOEXEC);
    if (fd < 0) return Error(errno, "memfd_create");
    if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        int err = errno;
        close(fd);
        return Error(err == EINVAL ? ENOMEM : err, "ftruncate(ram)");
    }
    // Align the direct map to the largest buddy block (4 MiB) so physically aligned blocks are
    // also virtually aligned (the kernel heap relies on it for large alignments): reserve extra
    // address space, map RAM at the aligned spot inside it, trim the slack.
    constexpr uint64_t kDirectMapAlign = uint64_t{4} << 20;
    void* area = mmap(nullptr, bytes + kDirectMapAlign, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) {
        close(fd);
        return Error(ENOMEM, "mmap(ram reservation)");
    }
    auto lo = reinterpret_cast<uintptr_t>(area);
    uintptr_t aligned = align_up(lo, kDirectMapAlign);
    void* p = mmap(reinterpret_cast<void*>(aligned), bytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_NORESERVE | MAP_FIXED, fd, 0);
    if (p == MAP_FAILED) {
        munmap(area, bytes + kDirectMapAlign);
        close(fd);
        return Error(ENOMEM, "mmap(ram)");
    }
    if (aligned > lo) munmap(area, aligned - lo);
    uintptr_t hi = lo + bytes + kDirectMapAlign;
    if (hi > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), hi - aligned - bytes);
    g_fd = fd;
    g_base = static_cast<std::byte*>(p);
    g_size = bytes;
    g_written.assign(bytes / kPageSize / 64 + 1, 0);
    return ok();
}

void ram_destroy() {
    if (!g_base) return;
    // Keep the emptied RAM for the next machine; should the host refuse, let it go.
    if (empty_ram()) {
        unmap_retained();
        g_retained = {g_fd, g_base, g_size};
    } else {
        unpoison(g_base, g_size);
        munmap(g_base, g_size);
        close(g_fd);
    }
    g_fd = -1;
    g_base = nullptr;
    g_size = 0;
}

bool ram_retained_is_zero() {
    if (!g_retained.base) return true;
    std::vector<unsigned char> buf(1 << 16);
    for (uint64_t off = 0; off < g_retained.size; off += buf.size()) {
        ssize_t n = pread(g_retained.fd, buf.data(), buf.size(), static_cast<off_t>(off));
        if (n <= 0) return false;
        for (ssize_t i = 0; i < n; ++i)
            if (buf[static_cast<size_t>(i)] != 0) return false;
    }
    return true;
}

int ram_fd() { return g_fd; }
std::byte* ram_base() { return g_base; }

}  // namespace ostd::host

namespace ostd::hal {

std::byte* phys_to_virt(Paddr pa) {
    ORRERY_DEBUG_ASSERT(pa.value() < host::g_size, "paddr %#lx outside RAM",
                        static_cast<unsigned long>(pa.value()));
    // SAFETY: pa < RAM size (checked in debug builds; callers hold frames inside RAM).
    return host::g_base + pa.value();
}

Paddr virt_to_phys(const void* p) {
    auto* b = static_cast<const std::byte*>(p);
    ORRERY_DEBUG_ASSERT(b >= host::g_base && b < host::g_base + host::g_size,
                        "pointer outside the direct map");
    return Paddr(static_cast<uint64_t>(b - host::g_base));
}

uint64_t ram_size() { return host::g_size; }

bool ram_arrives_poisoned() { return host::g_arrives_poisoned; }

bool ram_arrives_zeroed() { return true; }  // fresh, or emptied by empty_ram()

void note_frames_written(uint64_t pfn, uint64_t count) {
    ORRERY_DEBUG_ASSERT(pfn + count <= host::g_size / kPageSize, "frames beyond RAM");
    for (uint64_t p = pfn; p < pfn + count; ++p)
        host::g_written[p / 64] |= uint64_t{1} << (p % 64);
}

}  // namespace ostd::hal
