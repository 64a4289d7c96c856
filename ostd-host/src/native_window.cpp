// Native user engine, the user window: reservation, the residency rule, a bitmap of resident
// pages (so flushes and evictions touch only what is mapped) and lazy installation of
// VmSpace pages as MAP_SHARED views of the RAM memfd.
#include "native_window.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include <ostd/common/log.h>

#include "ram.h"

namespace ostd::host::native {
namespace {

constexpr uint64_t kWindowStart = kUserStart.value();
constexpr uint64_t kWindowBytes = kUserEnd.value() - kUserStart.value();
constexpr uint64_t kWindowPages = kWindowBytes / kPageSize;

struct Window {
    std::mutex mu;
    std::condition_variable cv;
    bool active = false;
    bool has_resident = false;
    uint64_t resident_root = 0;
    unsigned running = 0;        // vCPUs in user code of the resident space.
    unsigned waiting_other = 0;  // vCPUs waiting to run another space.
    uint64_t generation = 0;     // Bumped by every flush/eviction (install_page race check).
    uint64_t resident_count = 0;
    std::vector<uint64_t> bits;  // One bit per window page: host mapping installed.
};
Window g_win;

// Window mappings go straight to the host kernel: only uninstrumented user code touches these
// addresses, so the sanitizer runtimes' mmap interceptors (shadow resets) are pure cost.
bool raw_mmap(uint64_t start, uint64_t len, int prot, int flags, int fd, uint64_t offset) {
    long r = syscall(SYS_mmap, start, len, prot, flags, fd, offset);
    return r == static_cast<long>(start);
}

bool map_none(uint64_t start, uint64_t len) {
    return raw_mmap(start, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                    -1, 0);
}

/// True if any existing mapping of this process overlaps the window.
bool window_in_use() {
    FILE* f = fopen("/proc/self/maps", "r");
    if (!f) return false;
    char line[512];
    bool used = false;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo = 0, hi = 0;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
        if (lo < kUserEnd.value() && hi > kWindowStart) used = true;
    }
    fclose(f);
    return used;
}

// Unmaps pages [first, last) that are resident (runs of them at a time). mu held.
void evict_pages_locked(uint64_t first, uint64_t last) {
    uint64_t p = first;
    while (p < last) {
        uint64_t word = g_win.bits[p / 64] >> (p % 64);
        if (word == 0) {
            p = (p / 64 + 1) * 64;
            continue;
        }
        p += static_cast<uint64_t>(__builtin_ctzll(word));
        if (p >= last) break;
        uint64_t run = p;
        while (run < last && (g_win.bits[run / 64] >> (run % 64) & 1)) {
            g_win.bits[run / 64] &= ~(uint64_t{1} << (run % 64));
            ++run;
        }
        map_none(kWindowStart + p * kPageSize, (run - p) * kPageSize);
        g_win.resident_count -= run - p;
        p = run;
    }
}

void evict_all_locked() {
    ++g_win.generation;
    if (g_win.resident_count != 0) evict_pages_locked(0, kWindowPages);
}

}  // namespace

bool window_start() {
    std::lock_guard<std::mutex> lk(g_win.mu);
    if (g_win.active) return true;
    if (window_in_use()) {
        ORRERY_LOG_WARN("native: the user window [%#lx, %#lx) is taken; native code disabled",
                        static_cast<unsigned long>(kWindowStart),
                        static_cast<unsigned long>(kUserEnd.value()));
        return false;
    }
    // MAP_FIXED (not _NOREPLACE, which TSan mishandles): the range was checked free above.
    if (!map_none(kWindowStart, kWindowBytes)) return false;
    g_win.bits.assign(kWindowPages / 64 + 1, 0);
    g_win.resident_count = 0;
    g_win.has_resident = false;
    g_win.running = 0;
    g_win.waiting_other = 0;
    g_win.active = true;
    return true;
}

void window_stop() {
    std::lock_guard<std::mutex> lk(g_win.mu);
    if (!g_win.active) return;
    syscall(SYS_munmap, kWindowStart, kWindowBytes);
    g_win.bits.clear();
    g_win.resident_count = 0;
    g_win.has_resident = false;
    g_win.active = false;
}

bool window_active() {
    std::lock_guard<std::mutex> lk(g_win.mu);
    return g_win.active;
}

void acquire_residency(Paddr root) {
    std::unique_lock<std::mutex> lk(g_win.mu);
    const uint64_t r = root.value();
    for (;;) {
        bool resident = g_win.has_resident && g_win.resident_root == r;
        if (resident && g_win.waiting_other == 0) break;
        if (!resident && g_win.running == 0) {
            evict_all_locked();
            g_win.has_resident = true;
            g_win.resident_root = r;
            break;
        }
        // Either another space runs (wait for it to drain) or, resident ourselves, someone
        // waits for another space: let it go first.
        if (!resident) ++g_win.waiting_other;
        g_win.cv.wait(lk);
        if (!resident) --g_win.waiting_other;
    }
    ++g_win.running;
}

void release_residency(Paddr root) {
    std::lock_guard<std::mutex> lk(g_win.mu);
    (void)root;
    if (--g_win.running == 0) g_win.cv.notify_all();
}

bool install_page(VmSpace& space, Vaddr va, bool write, bool fetch, bool* present) {
    *present = false;
    if (va < kUserStart || va >= kUserEnd) return false;
    const Vaddr page = va.page_down();
    for (;;) {
        uint64_t gen;
        {
            std::lock_guard<std::mutex> lk(g_win.mu);
            if (!g_win.has_resident || g_win.resident_root != space.root_paddr().value())
                return false;
            gen = g_win.generation;
        }
        auto cursor = space.cursor(VaRange{page, page + kPageSize});
        if (cursor.is_error()) return false;
        std::optional<MappedPage> mapped = cursor.value().query();
        if (!mapped) return false;
        *present = true;
        const PageProperty& prop = mapped->prop;
        if (!has_priv(prop.priv, PrivilegeFlags::kUser)) return false;
        PageFlags needed = fetch ? PageFlags::kX : write ? PageFlags::kW : PageFlags::kR;
        if (!has_flags(prop.flags, needed)) return false;
        int prot = (has_flags(prop.flags, PageFlags::kR) ? PROT_READ : 0) |
                   (has_flags(prop.flags, PageFlags::kW) ? PROT_WRITE : 0) |
                   (has_flags(prop.flags, PageFlags::kX) ? PROT_EXEC : 0);
        std::lock_guard<std::mutex> lk(g_win.mu);
        // A flush since the query may have changed or freed what we saw: look again.
        if (g_win.generation != gen) continue;
        if (!raw_mmap(page.value(), kPageSize, prot, MAP_SHARED | MAP_FIXED, ram_fd(),
                      mapped->frame.paddr().value()))
            return false;
        uint64_t idx = (page.value() - kWindowStart) / kPageSize;
        uint64_t bit = uint64_t{1} << (idx % 64);
        if (!(g_win.bits[idx / 64] & bit)) {
            g_win.bits[idx / 64] |= bit;
            ++g_win.resident_count;
        }
        return true;
    }
}

void flush_range(Paddr root, Vaddr start, uint64_t len) {
    std::lock_guard<std::mutex> lk(g_win.mu);
    if (!g_win.active || !g_win.has_resident || g_win.resident_root != root.value()) return;
    ++g_win.generation;
    uint64_t lo = start.value() < kWindowStart ? kWindowStart : start.value();
    uint64_t end = start.value() + len;
    if (end < start.value() || end > kUserEnd.value()) end = kUserEnd.value();
    if (lo >= end) return;
    evict_pages_locked((lo - kWindowStart) / kPageSize,
                       (end - kWindowStart + kPageSize - 1) / kPageSize);
}

void flush_all(Paddr root) {
    std::lock_guard<std::mutex> lk(g_win.mu);
    if (!g_win.active || !g_win.has_resident || g_win.resident_root != root.value()) return;
    evict_all_locked();
}

uint64_t resident_pages() {
    std::lock_guard<std::mutex> lk(g_win.mu);
    return g_win.resident_count;
}

}  // namespace ostd::host::native
