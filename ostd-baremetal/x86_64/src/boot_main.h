// The kernel image's entry, chosen by the link target (ostd-baremetal/x86_64/image/main.cpp):
// the ktest runner when the command line says `ktest`, the kernel otherwise.
#pragma once

#include <ostd/boot/boot_info.h>

namespace ostd::bm {

int boot_main(const BootInfo& boot);

/// Prints "boot-time: <what> <us> us after entry" (TSC since the first instruction).
void boot_mark(const char* what);

}  // namespace ostd::bm
