// Host-side bookkeeping of the contexts a machine creates, so power-off leaks none of them.
#pragma once

#include <cstddef>

namespace ostd::host {

/// Starts a machine's bracket: contexts created from now on belong to it.
void contexts_machine_begin();

/// Ends the bracket and destroys the machine's contexts still alive: the fibers of tasks and of
/// scripted user programs that power-off froze mid-flight, whose owners (objects on frozen
/// stacks or in the reset RAM) never run their destructors. Each held a host stack mapping;
/// a fuzzer whose inputs hang now and then ran out of mappings after ~500k inputs. Call after
/// every vCPU has stopped. Returns how many were destroyed.
size_t contexts_reap_machine();

}  // namespace ostd::host
