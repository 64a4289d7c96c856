// Kernel start-up: report the machine, bring up subsystems, run init until it exits.
#include <kernel/boot/main.h>

#include <ostd/common/log.h>

#include <kernel/init/init.h>

namespace kernel {

int main(const ostd::BootInfo& boot) {
    uint64_t ram = 0;
    for (const auto& r : boot.memory_map)
        if (r.kind == ostd::MemoryRegionKind::kUsable) ram += r.size;
    ostd::log(ostd::LogLevel::kInfo, "Orrery booting: %u CPU(s), %lu MiB RAM%s", boot.num_cpus,
              static_cast<unsigned long>(ram >> 20), boot.deterministic ? ", deterministic" : "");
    return run_init(boot);
}

}  // namespace kernel
