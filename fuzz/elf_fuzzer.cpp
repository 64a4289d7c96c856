// fuzz/elf: boots a fresh deterministic machine per input and runs the elf body in it.
#include <cstddef>
#include <cstdint>

#include "harness.h"
#include "parser_targets.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    orrery::fuzz::fuzz_init_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    (void)orrery::fuzz::run_kernel_body(&orrery::fuzz::elf_body, data, size);
    return 0;
}
