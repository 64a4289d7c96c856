// fuzz/syscalls: the syscall-program fuzz target (libFuzzer / AFL++ / replay entry point).
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    orrery::fuzz::fuzz_init_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    orrery::fuzz::report_outcome(orrery::fuzz::run_syscall_input(data, size));
    return 0;
}
