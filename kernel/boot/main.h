// The kernel's entry point, handed to ostd at boot.
#pragma once

#include <ostd/boot/boot_info.h>

namespace kernel {

/// Initialises kernel subsystems, runs init, returns init's exit status.
int main(const ostd::BootInfo& boot);

}  // namespace kernel
