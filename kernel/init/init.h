// Starting pid 1 from the kernel command line and waiting for it, which is the machine's life.
#pragma once

#include <ostd/boot/boot_info.h>

namespace kernel {

/// Command line: `init=PROGRAM [trace=1] [-- ARG...]`. PROGRAM is `scripted:NAME` (a host
/// scripted program) or, once executables can be loaded, a path. Runs init and returns the exit
/// code the machine should report: init's exit code, or 128 + signal if it was killed.
int run_init(const ostd::BootInfo& boot);

}  // namespace kernel
