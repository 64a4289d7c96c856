// Start-up order of ostd's backend-independent services. Each area adds its init call here.
#include "boot/init.h"

namespace ostd::detail {

void init_early(const BootInfo& boot) {
    (void)boot;
}

void shutdown_late() {}

}  // namespace ostd::detail
