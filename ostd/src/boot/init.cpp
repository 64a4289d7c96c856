// Start-up order of ostd's backend-independent services. Each area adds its init call here.
#include "boot/init.h"

#include "task/sched.h"

namespace ostd::detail {

void init_early(const BootInfo& boot) {
    Sched::init(boot.num_cpus, boot.deterministic);
}

void shutdown_late() { Sched::shutdown(); }

}  // namespace ostd::detail
