// Differential: umask and prctl process names.
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "difftest.h"

namespace {
constexpr uint64_t kBadPtr = 0x8;  // Never mapped on either backend.
}

DIFFTEST(Umask, ReturnsPreviousAndMasksTo0777) {
    sys.ret("umask(077)", sys.call(SYS_umask, 077));
    sys.ret("umask(01777)", sys.call(SYS_umask, 01777));
    sys.ret("umask(0)", sys.call(SYS_umask, 0));
    sys.ret("umask(-1)", sys.call(SYS_umask, static_cast<uint64_t>(-1)));
    sys.ret("umask(022)", sys.call(SYS_umask, 022));
    return 0;
}

DIFFTEST(Prctl, SetAndGetName) {
    uint64_t buf = sys.scratch(32);
    sys.ret("set short", sys.call(SYS_prctl, PR_SET_NAME, sys.put_string("orrery")));
    sys.ret("get", sys.call(SYS_prctl, PR_GET_NAME, buf));
    char name[16];
    sys.get(buf, name, sizeof name);
    sys.bytes("name", name, sizeof name);
    // Longer than 15 bytes: truncated and NUL-terminated.
    sys.ret("set long", sys.call(SYS_prctl, PR_SET_NAME,
                                 sys.put_string("a-name-much-longer-than-sixteen")));
    sys.ret("get", sys.call(SYS_prctl, PR_GET_NAME, buf));
    sys.get(buf, name, sizeof name);
    sys.bytes("name", name, sizeof name);
    sys.ret("set empty", sys.call(SYS_prctl, PR_SET_NAME, sys.put_string("")));
    sys.ret("get", sys.call(SYS_prctl, PR_GET_NAME, buf));
    sys.get(buf, name, sizeof name);
    sys.bytes("name", name, sizeof name);
    return 0;
}

DIFFTEST(Prctl, Errors) {
    sys.ret("set EFAULT", sys.call(SYS_prctl, PR_SET_NAME, kBadPtr));
    sys.ret("get EFAULT", sys.call(SYS_prctl, PR_GET_NAME, kBadPtr));
    sys.ret("unknown option", sys.call(SYS_prctl, 0x7fff1234, 0, 0, 0, 0));
    return 0;
}
