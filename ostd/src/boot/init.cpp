// Start-up order of ostd's backend-independent services. Each area adds its init call here.
#include "boot/init.h"

#include "mm/init.h"

namespace ostd::detail {

void init_early(const BootInfo& boot) {
    init_mm(boot);
}

void shutdown_late() {
    teardown_mm();
}

}  // namespace ostd::detail
