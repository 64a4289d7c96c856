// Start-up order of ostd's backend-independent services. Each area adds its init call here;
// teardown runs in reverse order.
#include "boot/init.h"

#include "hal/mem.h"
#include "mm/init.h"
#include "task/sched.h"

namespace ostd::detail {

void init_early(const BootInfo& boot) {
    init_mm(boot, hal::ram_arrives_zeroed());
    Sched::init(boot.num_cpus, boot.deterministic);
}

void shutdown_late() {
    // A machine stopped as hung froze tasks that still hold memory: not a leak.
    bool hung = Sched::exit_status() == kMachineHungStatus;
    Sched::shutdown();
    teardown_mm(hung);
}

}  // namespace ostd::detail
