// SMP bring-up: CPUs are found in the ACPI MADT (RSDP in the BIOS area -> RSDT -> "APIC"), each
// AP is started with INIT/STARTUP IPIs through the real-mode trampoline (ap_boot.S) and, once
// its descriptor tables, per-CPU data and local APIC are up, enters the scheduler like the BSP.
#include "smp.h"

#include <atomic>
#include <cstring>

#include <ostd/common/panic.h>
#include <ostd/mm/heap.h>

#include "apic.h"
#include "serial.h"
#include "task/sched.h"
#include "trap.h"
#include "x86.h"

extern "C" const unsigned char bm_ap_tramp_start[];
extern "C" const unsigned char bm_ap_tramp_end[];

namespace ostd::bm {
namespace {

constexpr uint64_t kTrampPhys = 0x8000;
constexpr size_t kApStackSize = 64 << 10;

uint32_t g_apic_ids[kMaxCpus];
uint64_t g_ioapic_pa = 0;
uint32_t g_ioapic_gsi_base = 0;
uint32_t g_com1_gsi = 4;         // ISA IRQ 4 unless the MADT overrides it
uint16_t g_com1_flags = 0;       // MPS INTI flags of the override (0: bus default)
unsigned g_ncpus = 1;
std::atomic<bool> g_ap_online{false};

template <typename T>
const T* phys(uint64_t pa) {
    // SAFETY: firmware tables lie below 4 GiB, inside the direct map.
    return reinterpret_cast<const T*>(kDirectMapBase + pa);
}

bool checksum_ok(const unsigned char* p, size_t n) {
    unsigned char sum = 0;
    for (size_t i = 0; i < n; ++i) sum = static_cast<unsigned char>(sum + p[i]);
    return sum == 0;
}

const unsigned char* find_rsdp() {
    uint64_t ebda = uint64_t{*phys<uint16_t>(0x40E)} << 4;
    struct Range {
        uint64_t base, len;
    } ranges[] = {{ebda, 1024}, {0xE0000, 0x20000}};
    for (const Range& r : ranges) {
        if (r.base == 0) continue;
        for (uint64_t a = r.base; a + 20 <= r.base + r.len; a += 16) {
            const auto* p = phys<unsigned char>(a);
            if (std::memcmp(p, "RSD PTR ", 8) == 0 && checksum_ok(p, 20)) return p;
        }
    }
    return nullptr;
}

// Fills g_apic_ids from the MADT: the BSP first, then every enabled processor.
void parse_madt(uint32_t bsp_apic_id) {
    g_apic_ids[0] = bsp_apic_id;
    g_ncpus = 1;
    const unsigned char* rsdp = find_rsdp();
    if (!rsdp) {
        serial_printf("smp: no ACPI RSDP: running on the boot CPU only\n");
        return;
    }
    uint32_t rsdt_pa;
    std::memcpy(&rsdt_pa, rsdp + 16, 4);
    const auto* rsdt = phys<unsigned char>(rsdt_pa);
    uint32_t rsdt_len;
    std::memcpy(&rsdt_len, rsdt + 4, 4);
    for (uint32_t off = 36; off + 4 <= rsdt_len; off += 4) {
        uint32_t table_pa;
        std::memcpy(&table_pa, rsdt + off, 4);
        const auto* t = phys<unsigned char>(table_pa);
        if (std::memcmp(t, "APIC", 4) != 0) continue;
        uint32_t len;
        std::memcpy(&len, t + 4, 4);
        for (uint32_t e = 44; e + 2 <= len && t[e + 1] >= 2; e += t[e + 1]) {
            if (t[e] == 1 && t[e + 1] >= 12 && g_ioapic_pa == 0) {  // the first I/O APIC
                uint32_t addr;
                std::memcpy(&addr, t + e + 4, 4);
                std::memcpy(&g_ioapic_gsi_base, t + e + 8, 4);
                g_ioapic_pa = addr;
                continue;
            }
            if (t[e] == 2 && t[e + 1] >= 10 && t[e + 2] == 0 && t[e + 3] == 4) {  // ISA IRQ 4
                std::memcpy(&g_com1_gsi, t + e + 4, 4);
                std::memcpy(&g_com1_flags, t + e + 8, 2);
                continue;
            }
            if (t[e] != 0 || t[e + 1] < 8) continue;  // processor local APIC entries
            uint8_t apic_id = t[e + 3];
            uint32_t flags;
            std::memcpy(&flags, t + e + 4, 4);
            if (!(flags & 1) || apic_id == bsp_apic_id) continue;
            if (g_ncpus == kMaxCpus) break;
            g_apic_ids[g_ncpus++] = apic_id;
        }
    }
}

}  // namespace

bool ioapic_route_com1(uint8_t vector) {
    if (g_ioapic_pa == 0 || g_com1_gsi < g_ioapic_gsi_base) return false;
    // SAFETY: the I/O APIC's registers lie below 4 GiB, in the direct map.
    auto* regs = reinterpret_cast<volatile uint32_t*>(kDirectMapBase + g_ioapic_pa);
    uint32_t pin = g_com1_gsi - g_ioapic_gsi_base;
    uint32_t low = vector;  // fixed delivery, physical destination, unmasked
    if ((g_com1_flags & 3) == 3) low |= 1u << 13;         // active low
    if (((g_com1_flags >> 2) & 3) == 3) low |= 1u << 15;  // level triggered
    regs[0] = 0x10 + 2 * pin + 1;
    regs[4] = g_percpu[0].apic_id << 24;  // to the BSP
    regs[0] = 0x10 + 2 * pin;
    regs[4] = low;
    return true;
}

unsigned smp_count_cpus() {
    parse_madt(g_percpu[0].apic_id);
    return g_ncpus;
}

extern "C" [[noreturn]] void bm_ap_main(uint64_t cpu) {
    cpu_tables_init(static_cast<unsigned>(cpu));
    lapic_init_ap();
    g_percpu[cpu].apic_id = lapic_id();
    g_percpu[cpu].online = true;
    g_ap_online.store(true, std::memory_order_release);
    detail::Sched::cpu_main(static_cast<unsigned>(cpu));
    for (;;) __asm__ volatile("cli; hlt");
}

void smp_boot_aps() {
    if (g_ncpus == 1) return;
    size_t len = static_cast<size_t>(bm_ap_tramp_end - bm_ap_tramp_start);
    auto* tramp = reinterpret_cast<unsigned char*>(kDirectMapBase + kTrampPhys);
    std::memcpy(tramp, bm_ap_tramp_start, len);
    auto* slots = reinterpret_cast<uint64_t*>(tramp + len - 32);
    for (unsigned cpu = 1; cpu < g_ncpus; ++cpu) {
        void* stack = heap::alloc(kApStackSize, 4096);
        if (!stack) panic("smp: no memory for CPU %u's boot stack", cpu);
        slots[0] = reinterpret_cast<uint64_t>(bm_boot_pml4) - kKernelVma;
        slots[1] = reinterpret_cast<uint64_t>(stack) + kApStackSize;
        slots[2] = reinterpret_cast<uint64_t>(&bm_ap_main);
        slots[3] = cpu;
        g_ap_online.store(false, std::memory_order_release);
        lapic_start_ap(g_apic_ids[cpu], static_cast<uint8_t>(kTrampPhys >> 12));
        uint64_t deadline = rdtsc() + tsc_hz();  // one second
        while (!g_ap_online.load(std::memory_order_acquire) && rdtsc() < deadline)
            __builtin_ia32_pause();
        if (!g_ap_online.load()) panic("smp: CPU %u (APIC id %u) did not come up", cpu, g_apic_ids[cpu]);
        g_num_cpus_online = cpu + 1;
    }
    serial_printf("smp: %u CPUs online\n", g_num_cpus_online);
}

}  // namespace ostd::bm
