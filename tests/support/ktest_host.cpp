// Host side of ktests: each KTEST body runs as the first task of a freshly booted 2-vCPU machine;
// the test fails if any check inside recorded a failure or the machine did not exit cleanly.
#include <gtest/gtest.h>

#include <ostd/ktest.h>

#include "kernel_env.h"

namespace ostd::ktest {

void run_on_host(void (*fn)()) {
    reset();
    int status = orrery::testing::run_in_kernel([fn] { fn(); }, orrery::testing::small_machine(2));
    EXPECT_EQ(status, 0);
    EXPECT_EQ(failures(), 0u) << "ktest checks failed (see the messages above)";
}

}  // namespace ostd::ktest
