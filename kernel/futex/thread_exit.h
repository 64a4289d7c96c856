// The futex duties of a thread that leaves its address space (exit or execve): mark the robust
// futexes it holds as OWNER_DIED and wake their waiters, then clear and wake the
// set_tid_address / CLONE_CHILD_CLEARTID word (the pthread_join protocol).
#pragma once

#include <kernel/process/process.h>

namespace kernel::futex {

/// Largest number of robust-list entries walked (Linux's ROBUST_LIST_LIMIT).
inline constexpr unsigned kRobustListLimit = 2048;
/// sizeof(struct robust_list_head).
inline constexpr uint64_t kRobustListHeadSize = 24;

/// Walks thread.robust_list_head, then writes 0 to thread.clear_child_tid and wakes one
/// waiter there; both fields are reset. User memory faults end the walk silently (as in Linux).
/// Precondition: called on the exiting thread's own task, its address space still mapped.
void release_thread_futexes(Thread& thread);

}  // namespace kernel::futex
