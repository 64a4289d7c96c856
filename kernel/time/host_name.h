// The UTS names (uname(2)): host and domain name set by sethostname/setdomainname, plus the
// fixed system identity Orrery reports.
#pragma once

#include <cstddef>

#include <ostd/common/result.h>

namespace kernel {

inline constexpr size_t kUtsNameMax = 64;
inline constexpr const char* kUtsSysname = "Linux";  // The ABI we implement; programs check it.
inline constexpr const char* kUtsRelease = "6.1.0-orrery";
inline constexpr const char* kUtsVersion = "#1 SMP PREEMPT_DYNAMIC Orrery";
inline constexpr const char* kUtsMachine = "x86_64";

void uts_init();
/// Copies the current names (NUL-terminated, at most kUtsNameMax bytes + NUL).
void copy_hostname(char out[kUtsNameMax + 1]);
void copy_domainname(char out[kUtsNameMax + 1]);
/// EINVAL when len > kUtsNameMax.
ostd::Result<void> set_hostname(const char* name, size_t len);
ostd::Result<void> set_domainname(const char* name, size_t len);

}  // namespace kernel
