// Emulated RAM in a memfd. Physical address pa lives at ram_base() + pa.
#include "ram.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "hal/mem.h"

namespace ostd::host {
namespace {

int g_fd = -1;
std::byte* g_base = nullptr;
uint64_t g_size = 0;

}  // namespace

Result<void> ram_create(uint64_t bytes) {
    ORRERY_ASSERT(g_base == nullptr, "RAM already exists");
    if (bytes == 0 || bytes % kPageSize != 0) return Error(EINVAL, "RAM size must be whole pages");
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
    return ok();
}

void ram_destroy() {
    if (!g_base) return;
    munmap(g_base, g_size);
    close(g_fd);
    g_fd = -1;
    g_base = nullptr;
    g_size = 0;
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

}  // namespace ostd::hal
