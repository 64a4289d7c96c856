// Kernel start-up: report the machine, bring up subsystems, run init.
#include <kernel/boot/main.h>

#include <ostd/common/log.h>

namespace kernel {

int main(const ostd::BootInfo& boot) {
    uint64_t ram = 0;
    for (const auto& r : boot.memory_map)
        if (r.kind == ostd::MemoryRegionKind::kUsable) ram += r.size;
    ostd::printk("Orrery booting: %u CPU(s), %lu MiB RAM%s\n", boot.num_cpus,
                 static_cast<unsigned long>(ram >> 20), boot.deterministic ? ", deterministic" : "");
    return 0;
}

}  // namespace kernel
