// Physical memory on bare metal: the boot page tables map all RAM below 4 GiB at kDirectMapBase.
#include "hal/mem.h"
#include "mem.h"
#include "x86.h"

namespace ostd::bm {
uint64_t g_ram_top = 0;
}

namespace ostd::hal {

std::byte* phys_to_virt(Paddr pa) {
    // SAFETY: every RAM address below 4 GiB is mapped at the direct-map base.
    return reinterpret_cast<std::byte*>(bm::kDirectMapBase + pa.value());
}

Paddr virt_to_phys(const void* p) {
    auto v = reinterpret_cast<uint64_t>(p);
    if (v >= bm::kKernelVma) return Paddr(v - bm::kKernelVma);
    return Paddr(v - bm::kDirectMapBase);
}

uint64_t ram_size() {
    return bm::g_ram_top;
}

void note_frames_written(uint64_t, uint64_t) {
    // Real RAM is never reset between boots: nothing to track.
}

bool ram_arrives_zeroed() {
    return false;  // whatever firmware and the boot loader left there
}

bool ram_arrives_poisoned() {
    return false;  // no ASan on bare metal
}

}  // namespace ostd::hal
