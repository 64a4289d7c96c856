// Bring-up and tear-down of memory management for one machine.
#pragma once

#include <cstdint>

#include <ostd/boot/boot_info.h>

namespace ostd::detail {

/// Builds the frame metadata array, the buddy allocator and the heap inside RAM, reserving frame
/// 0 and the frames that hold this state. Called from init_early(), once per machine.
/// `ram_is_zero`: every frame reads as zero (hal::ram_arrives_zeroed() at a machine's first
/// bring-up), so only the records that differ from a zero one are written.
void init_mm(const BootInfo& boot, bool ram_is_zero = false);

/// Frees cached heap slabs, reports leaked frames and heap objects (logged in debug builds),
/// unpoisons RAM and forgets the machine. After it, init_mm() may run again.
/// `tasks_were_frozen`: the machine stopped as hung, its tasks frozen mid-flight, so what they
/// held is expected to be left: the report is logged at debug level, not as a warning.
void teardown_mm(bool tasks_were_frozen = false);

/// What the last teardown_mm() found still allocated (tests check leak detection with it).
struct MmLeakReport {
    uint64_t frames;
    uint64_t heap_objects;
};
MmLeakReport last_mm_leak_report();

/// Frames reserved by init_mm() (frame 0, metadata array, allocator state).
uint64_t mm_reserved_frames();

}  // namespace ostd::detail
