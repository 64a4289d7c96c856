// Bare-metal boot on the bootstrap CPU: serial, descriptor tables, the multiboot memory map and
// modules turned into a BootInfo, clocks, ostd's memory and scheduler, then the kernel entry.
#include <ostd/boot/boot_info.h>
#include <ostd/common/panic.h>

#include "apic.h"
#include "boot/init.h"
#include "boot_main.h"
#include "hal/machine.h"
#include "kstack.h"
#include "mem.h"
#include "serial.h"
#include "smp.h"
#include "symbols.h"
#include "task/sched.h"
#include "trap.h"
#include "x86.h"

extern "C" void (*const __init_array_start[])();
extern "C" void (*const __init_array_end[])();
extern "C" const unsigned char __image_start[];
extern "C" const unsigned char __image_end[];

namespace ostd {
namespace bm {

extern BootInfo g_boot_info;
extern bool g_gs_ready;
uint64_t g_tsc_entry = 0;

namespace {

constexpr uint32_t kMultibootMagic = 0x2BADB002;

struct __attribute__((packed)) MbInfo {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};
struct __attribute__((packed)) MbMmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
};
struct __attribute__((packed)) MbModule {
    uint32_t start, end, string, reserved;
};

constexpr size_t kMaxRegions = 64;
MemoryRegion g_regions[kMaxRegions];
size_t g_nregions = 0;
char g_cmdline[1024];

template <typename T>
const T* phys(uint64_t pa) {
    // SAFETY: boot structures lie below 4 GiB, inside the direct map.
    return reinterpret_cast<const T*>(kDirectMapBase + pa);
}

// Adds [base, end) as usable, minus the holes (sorted, non-overlapping, page-aligned).
void add_usable(uint64_t base, uint64_t end, const uint64_t (*holes)[2], size_t nholes) {
    for (size_t i = 0; i < nholes && base < end; ++i) {
        uint64_t hb = holes[i][0], he = holes[i][1];
        if (he <= base || hb >= end) continue;
        if (hb > base) add_usable(base, hb, holes + i + 1, nholes - i - 1);
        base = he;
    }
    if (base >= end || g_nregions == kMaxRegions) return;
    g_regions[g_nregions++] = {Paddr(base), end - base, MemoryRegionKind::kUsable};
}

void parse_multiboot(uint32_t magic, uint64_t info_pa) {
    if (magic != kMultibootMagic) panic("not booted by a multiboot loader (magic %#x)", magic);
    const MbInfo* mb = phys<MbInfo>(info_pa);
    // Command line: QEMU passes "<kernel path> <-append text>"; drop the path.
    if (mb->flags & (1u << 2)) {
        const char* s = phys<char>(mb->cmdline);
        while (*s && *s != ' ') ++s;
        while (*s == ' ') ++s;
        size_t n = 0;
        while (s[n] && n + 1 < sizeof g_cmdline) g_cmdline[n] = s[n], ++n;
        g_cmdline[n] = 0;
        g_boot_info.command_line = std::string_view(g_cmdline, n);
    }
    uint64_t holes[8][2];
    size_t nholes = 0;
    auto add_hole = [&](uint64_t b, uint64_t e) {
        b &= ~0xfffull;
        e = (e + 0xfff) & ~0xfffull;
        size_t i = nholes++;
        while (i > 0 && holes[i - 1][0] > b) {  // keep sorted
            holes[i][0] = holes[i - 1][0];
            holes[i][1] = holes[i - 1][1];
            --i;
        }
        holes[i][0] = b;
        holes[i][1] = e;
    };
    add_hole(reinterpret_cast<uint64_t>(__image_start) - kKernelVma,
             reinterpret_cast<uint64_t>(__image_end) - kKernelVma);
    if ((mb->flags & (1u << 3)) && mb->mods_count > 0) {
        const MbModule* m = phys<MbModule>(mb->mods_addr);
        add_hole(m->start, m->end);
        g_boot_info.initramfs = std::span<const std::byte>(
            phys<std::byte>(m->start), m->end - m->start);
    }
    if (!(mb->flags & (1u << 6))) panic("the boot loader gave no memory map");
    uint64_t off = 0;
    uint64_t top = 0;
    while (off + sizeof(MbMmap) <= mb->mmap_length) {
        const MbMmap* e = phys<MbMmap>(mb->mmap_addr + off);
        off += e->size + 4;
        if (e->type != 1) continue;
        // Low memory stays reserved (BIOS data, the AP start-up page); the direct map ends at
        // 4 GiB, so RAM above it is not used yet.
        uint64_t b = e->addr < (1ull << 20) ? (1ull << 20) : e->addr;
        uint64_t end = e->addr + e->len;
        if (end > kDirectMapSize) end = kDirectMapSize;
        b = (b + 0xfff) & ~0xfffull;
        end &= ~0xfffull;
        if (b >= end) continue;
        add_usable(b, end, holes, nholes);
        if (end > top) top = end;
    }
    // Sort (the loader's map is usually sorted already).
    for (size_t i = 1; i < g_nregions; ++i)
        for (size_t j = i; j > 0 && g_regions[j - 1].base.value() > g_regions[j].base.value(); --j) {
            MemoryRegion t = g_regions[j];
            g_regions[j] = g_regions[j - 1];
            g_regions[j - 1] = t;
        }
    g_boot_info.memory_map = std::span<const MemoryRegion>(g_regions, g_nregions);
    g_ram_top = top;
}

// Wall-clock time from the CMOS RTC (BCD or binary, 24 h assumed), ns since the epoch.
uint64_t read_rtc_ns() {
    auto reg = [](uint8_t r) {
        outb(0x70, r);
        return inb(0x71);
    };
    while (reg(0x0A) & 0x80) {
    }
    uint8_t sec = reg(0), min = reg(2), hour = reg(4), day = reg(7), mon = reg(8), year = reg(9);
    if (!(reg(0x0B) & 0x04)) {
        auto bcd = [](uint8_t v) { return static_cast<uint8_t>((v & 15) + (v >> 4) * 10); };
        sec = bcd(sec), min = bcd(min), hour = bcd(hour & 0x7f), day = bcd(day), mon = bcd(mon),
        year = bcd(year);
    }
    int64_t y = 2000 + year, m = mon, d = day;
    // Days since 1970-01-01 (civil-from-days inverse).
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec;
    return static_cast<uint64_t>(secs) * 1000000000ull;
}

}  // namespace

void boot_mark(const char* what) {
    serial_printf("boot-time: %s %lu us after entry\n", what,
                  tsc_to_ns(rdtsc() - g_tsc_entry) / 1000);
}

extern "C" [[noreturn]] void bm_kmain(uint32_t magic, uint32_t info_pa) {
    g_tsc_entry = rdtsc();
    serial_init();
    kstack_area_init();  // its top-level entry must exist before CPUs copy the kernel half
    idt_init();
    cpu_tables_init(0);
    g_gs_ready = true;
    for (auto* f = __init_array_start; f != __init_array_end; ++f) (*f)();
    serial_printf("\norrery: bare-metal x86-64 kernel, %zu symbols\n", symbol_count());
    parse_multiboot(magic, info_pa);
    lapic_init();
    g_percpu[0].apic_id = lapic_id();
    uint64_t tsc_calib = rdtsc();
    g_percpu[0].online = true;
    g_num_cpus_online = 1;
    clock_calibrate();
    serial_printf("boot-time: clock calibration took %lu us\n",
                  tsc_to_ns(rdtsc() - tsc_calib) / 1000);

    g_boot_info.boot_wall_ns = read_rtc_ns();
    g_boot_info.random_seed = rdtsc() * 0x9E3779B97F4A7C15ull ^ g_boot_info.boot_wall_ns;
    g_boot_info.num_cpus = smp_count_cpus();
    uint64_t ram = 0;
    for (const MemoryRegion& r : g_boot_info.memory_map) ram += r.size;
    serial_printf("orrery: %zu usable regions, %lu MiB usable, initramfs %zu bytes, cmdline '%s'\n",
                  g_boot_info.memory_map.size(), ram >> 20, g_boot_info.initramfs.size(),
                  g_cmdline);
    detail::init_early(g_boot_info);
    boot_mark("heap up");
    kstack_prefill_tables(256);
    detail::Sched::start(&boot_main, g_boot_info);
    smp_boot_aps();
    // Interrupts stay off until this CPU's idle task exists: its first cpu_wait() or the first
    // task it starts (bm_ctx_start) turns them on.
    detail::Sched::cpu_main(0);
    int status = detail::Sched::finish();
    hal::power_off(status);
}

}  // namespace bm
}  // namespace ostd
