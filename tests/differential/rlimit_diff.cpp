// Differential: getrlimit/setrlimit/prlimit64 values and errno paths.
#include <sys/resource.h>
#include <sys/syscall.h>

#include "difftest.h"

namespace {

constexpr uint64_t kBadPtr = 0x8;  // Never mapped on either backend.
constexpr uint64_t kNoSuchPid = 99999999;

uint64_t limit(orrery::difftest::Sys& sys, uint64_t cur, uint64_t max) {
    uint64_t a = sys.scratch(16);
    sys.put_u64(a, cur);
    sys.put_u64(a + 8, max);
    return a;
}

}  // namespace

// Starting values: the host child is given Linux's boot-time defaults for init (RAM-dependent
// NPROC/SIGPENDING set to Orrery's), so this checks Orrery's table and its encoding.
DIFFTEST(Rlimit, BootDefaults) {
    uint64_t buf = sys.scratch(16);
    for (uint64_t r = 0; r < RLIM_NLIMITS; ++r) {
        char label[32];
        snprintf(label, sizeof label, "getrlimit(%lu)", static_cast<unsigned long>(r));
        sys.ret(label, sys.call(SYS_getrlimit, r, buf));
        sys.ret("  cur", static_cast<int64_t>(sys.get_u64(buf)));
        sys.ret("  max", static_cast<int64_t>(sys.get_u64(buf + 8)));
    }
    return 0;
}

DIFFTEST(Rlimit, Errors) {
    uint64_t buf = sys.scratch(16);
    sys.ret("getrlimit(16)", sys.call(SYS_getrlimit, RLIM_NLIMITS, buf));
    sys.ret("getrlimit(-1)", sys.call(SYS_getrlimit, static_cast<uint64_t>(-1), buf));
    sys.ret("getrlimit(EFAULT)", sys.call(SYS_getrlimit, RLIMIT_NOFILE, kBadPtr));
    sys.ret("setrlimit(EFAULT)", sys.call(SYS_setrlimit, RLIMIT_NOFILE, kBadPtr));
    sys.ret("setrlimit(16)", sys.call(SYS_setrlimit, RLIM_NLIMITS, limit(sys, 1, 2)));
    sys.ret("setrlimit cur>max", sys.call(SYS_setrlimit, RLIMIT_NOFILE, limit(sys, 100, 50)));
    sys.ret("NOFILE above nr_open",
            sys.call(SYS_setrlimit, RLIMIT_NOFILE, limit(sys, 1024, uint64_t{1} << 30)));
    sys.ret("prlimit64(nosuch)", sys.call(SYS_prlimit64, kNoSuchPid, RLIMIT_NOFILE, 0, buf));
    sys.ret("prlimit64(16)", sys.call(SYS_prlimit64, 0, RLIM_NLIMITS, 0, buf));
    sys.ret("prlimit64(new EFAULT)", sys.call(SYS_prlimit64, 0, RLIMIT_NOFILE, kBadPtr, buf));
    sys.ret("prlimit64(old EFAULT)", sys.call(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, kBadPtr));
    sys.ret("prlimit64(nothing)", sys.call(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, 0));
    sys.ret("prlimit64 cur>max",
            sys.call(SYS_prlimit64, 0, RLIMIT_NOFILE, limit(sys, 9, 8), buf));
    return 0;
}

DIFFTEST(Rlimit, SetAndReadBack) {
    uint64_t old = sys.scratch(16);
    sys.ret("prlimit64(set,get)",
            sys.call(SYS_prlimit64, 0, RLIMIT_NOFILE, limit(sys, 100, 200), old));
    sys.ret("  old cur", static_cast<int64_t>(sys.get_u64(old)));
    sys.ret("  old max", static_cast<int64_t>(sys.get_u64(old + 8)));
    int64_t self = sys.call(SYS_getpid);
    sys.ret("prlimit64(self pid)", sys.call(SYS_prlimit64, static_cast<uint64_t>(self),
                                            RLIMIT_NOFILE, 0, old));
    sys.ret("  cur", static_cast<int64_t>(sys.get_u64(old)));
    sys.ret("  max", static_cast<int64_t>(sys.get_u64(old + 8)));
    sys.ret("setrlimit(CORE,inf,inf)",
            sys.call(SYS_setrlimit, RLIMIT_CORE, limit(sys, RLIM_INFINITY, RLIM_INFINITY)));
    sys.ret("getrlimit(CORE)", sys.call(SYS_getrlimit, RLIMIT_CORE, old));
    sys.ret("  cur", static_cast<int64_t>(sys.get_u64(old)));
    sys.ret("  max", static_cast<int64_t>(sys.get_u64(old + 8)));
    return 0;
}

DIFFTEST(Rlimit, UnprivilegedCannotRaiseHardLimit) {
    sys.ret("drop root", sys.call(SYS_setresuid, 1000, 1000, 1000));
    sys.ret("lower NOFILE", sys.call(SYS_setrlimit, RLIMIT_NOFILE, limit(sys, 64, 128)));
    sys.ret("raise soft to hard", sys.call(SYS_setrlimit, RLIMIT_NOFILE, limit(sys, 128, 128)));
    sys.ret("raise hard", sys.call(SYS_setrlimit, RLIMIT_NOFILE, limit(sys, 128, 256)));
    sys.ret("raise MEMLOCK hard",
            sys.call(SYS_setrlimit, RLIMIT_MEMLOCK, limit(sys, 8u << 20, 16u << 20)));
    uint64_t buf = sys.scratch(16);
    sys.ret("getrlimit(NOFILE)", sys.call(SYS_getrlimit, RLIMIT_NOFILE, buf));
    sys.ret("  cur", static_cast<int64_t>(sys.get_u64(buf)));
    sys.ret("  max", static_cast<int64_t>(sys.get_u64(buf + 8)));
    return 0;
}
