// x86-64 instructions the bare-metal backend needs (port I/O, MSRs, control registers, TSC),
// as tiny inline wrappers. Backend-private.
#pragma once

#include <cstdint>

namespace ostd::bm {

inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t{hi} << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)),
                     "d"(static_cast<uint32_t>(v >> 32)));
}

inline uint64_t rdtsc() {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t{hi} << 32) | lo;
}

inline uint64_t read_cr2() {
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline uint64_t read_cr3() {
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

inline void cli() { __asm__ volatile("cli" ::: "memory"); }
inline void sti() { __asm__ volatile("sti" ::: "memory"); }
inline bool irqs_enabled() {
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f & (1u << 9);
}

inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t* a, uint32_t* b, uint32_t* c,
                  uint32_t* d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

/// Where the boot page tables map all of physical memory below 4 GiB (PML4 slot 256).
inline constexpr uint64_t kDirectMapBase = 0xffff800000000000ull;
inline constexpr uint64_t kDirectMapSize = 4ull << 30;
/// The kernel image's link base: virtual = physical + kKernelVma.
inline constexpr uint64_t kKernelVma = 0xffffffff80000000ull;

/// QEMU's isa-debug-exit port: writing v exits QEMU with status (v << 1) | 1.
inline constexpr uint16_t kDebugExitPort = 0xf4;
/// Value written on a panic (QEMU exits with 255).
inline constexpr uint32_t kPanicExitValue = 0x7f;

}  // namespace ostd::bm
