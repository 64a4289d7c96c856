// The two bindings of Sys: run a differential program on Orrery or on the host Linux kernel.
#pragma once

#include <string>

#include "sys.h"
#include "transcript.h"

namespace orrery::difftest {

/// Boots a one-vCPU Orrery machine whose init is `program` (a scripted user, every call through
/// the kernel's real dispatch path) and returns its transcript and exit status.
Outcome run_on_orrery(const std::string& name, const Program& program);

/// Runs `program` on the host kernel in a forked child, so nothing it does (setuid, setsid,
/// rlimits, mappings, crashes) reaches the calling process. The child starts from a state that
/// matches Orrery's init: its own session and group, a child subreaper, no supplementary groups,
/// umask 022, Linux's boot-time rlimits, default signal dispositions, an empty mask, no
/// alternate signal stack, and (when root) a private UTS namespace.
/// Records travel through a pipe as they are made, so they survive the child being killed.
/// Precondition: the caller is single-threaded (fork). Gives up after `timeout_ms`.
Outcome run_on_host(const Program& program, int timeout_ms = 60000);

}  // namespace orrery::difftest
