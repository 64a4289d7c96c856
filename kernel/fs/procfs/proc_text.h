// printf-style appending to a kernel String, for generated /proc text.
#pragma once

#include <cstdarg>

#include <ostd/common/format.h>
#include <ostd/ktl/string.h>

namespace kernel::fs::procfs {

/// Appends one formatted piece (at most 511 bytes). ENOMEM.
ostd::Result<void> appendf(ostd::String& s, const char* fmt, ...) ORRERY_PRINTF(2, 3);

}  // namespace kernel::fs::procfs
