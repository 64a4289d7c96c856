// `orrery replay FILE`: shows a syscall-fuzzer input as an strace-like trace and re-runs it.
#pragma once

#include <string>

namespace orrery::harness {

/// Prints the trace of the input's first run (kernel trace=1, decoded flags), then runs it a
/// second time without tracing and checks both runs agree (status, calls, digest). Returns the
/// machine status of the run, 3 when the runs disagree, 2 when the file cannot be read.
/// A crashing input (panic, sanitizer report) aborts the process in the first run, with the
/// same report every time.
int cmd_replay(const std::string& path);

}  // namespace orrery::harness
