// UTS names under a spinlock.
#include <kernel/time/host_name.h>

#include <ostd/sync/spinlock.h>

namespace kernel {
namespace {

ostd::SpinLock g_lock;
char g_hostname[kUtsNameMax + 1] ORRERY_GUARDED_BY(g_lock) = "orrery";
char g_domainname[kUtsNameMax + 1] ORRERY_GUARDED_BY(g_lock) = "(none)";

void copy(char* dst, const char* src) {
    size_t i = 0;
    for (; i < kUtsNameMax && src[i]; ++i) dst[i] = src[i];
    for (; i <= kUtsNameMax; ++i) dst[i] = '\0';
}

}  // namespace

void uts_init() {
    ostd::SpinLockGuard g(g_lock);
    copy(g_hostname, "orrery");
    copy(g_domainname, "(none)");
}

void copy_hostname(char out[kUtsNameMax + 1]) {
    ostd::SpinLockGuard g(g_lock);
    copy(out, g_hostname);
}

void copy_domainname(char out[kUtsNameMax + 1]) {
    ostd::SpinLockGuard g(g_lock);
    copy(out, g_domainname);
}

ostd::Result<void> set_hostname(const char* name, size_t len) {
    if (len > kUtsNameMax) return ostd::Error(EINVAL);
    ostd::SpinLockGuard g(g_lock);
    for (size_t i = 0; i < len; ++i) g_hostname[i] = name[i];
    for (size_t i = len; i <= kUtsNameMax; ++i) g_hostname[i] = '\0';
    return ostd::ok();
}

ostd::Result<void> set_domainname(const char* name, size_t len) {
    if (len > kUtsNameMax) return ostd::Error(EINVAL);
    ostd::SpinLockGuard g(g_lock);
    for (size_t i = 0; i < len; ++i) g_domainname[i] = name[i];
    for (size_t i = len; i <= kUtsNameMax; ++i) g_domainname[i] = '\0';
    return ostd::ok();
}

}  // namespace kernel
