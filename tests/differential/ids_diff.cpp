// Differential: process ids, process groups and sessions, exit status.
#include <sys/syscall.h>

#include "difftest.h"

namespace {
constexpr uint64_t kNoSuchPid = 99999999;  // Above any pid_max: never a live process.
}

DIFFTEST(Ids, IdentityOfInit) {
    int64_t self = sys.pid("getpid", sys.call(SYS_getpid));
    sys.pid("gettid", sys.call(SYS_gettid));
    sys.pid("getppid", sys.call(SYS_getppid));
    sys.pid("getpgrp", sys.call(SYS_getpgrp));
    sys.pid("getpgid(0)", sys.call(SYS_getpgid, 0));
    sys.pid("getpgid(self)", sys.call(SYS_getpgid, static_cast<uint64_t>(self)));
    sys.pid("getsid(0)", sys.call(SYS_getsid, 0));
    sys.pid("getsid(self)", sys.call(SYS_getsid, static_cast<uint64_t>(self)));
    sys.pid("set_tid_address", sys.call(SYS_set_tid_address, sys.scratch(4)));
    return 0;
}

DIFFTEST(Ids, LookupErrors) {
    sys.ret("getpgid(nosuch)", sys.call(SYS_getpgid, kNoSuchPid));
    sys.ret("getpgid(-1)", sys.call(SYS_getpgid, static_cast<uint64_t>(-1)));
    sys.ret("getsid(nosuch)", sys.call(SYS_getsid, kNoSuchPid));
    sys.ret("getsid(-1)", sys.call(SYS_getsid, static_cast<uint64_t>(-1)));
    return 0;
}

DIFFTEST(Ids, SessionLeaderCannotMove) {
    sys.ret("setsid", sys.call(SYS_setsid));  // Already a session (and group) leader.
    sys.ret("setpgid(0,0)", sys.call(SYS_setpgid, 0, 0));
    int64_t self = sys.call(SYS_getpid);
    sys.ret("setpgid(self,self)",
            sys.call(SYS_setpgid, static_cast<uint64_t>(self), static_cast<uint64_t>(self)));
    sys.ret("setpgid(0,-1)", sys.call(SYS_setpgid, 0, static_cast<uint64_t>(-1)));
    sys.ret("setpgid(nosuch,0)", sys.call(SYS_setpgid, kNoSuchPid, 0));
    sys.pid("getpgrp", sys.call(SYS_getpgrp));
    return 0;
}

DIFFTEST(Ids, ExitStatusIsReturnValue) {
    sys.note("before", "exit");
    return 37;
}

DIFFTEST(Ids, ExitGroupTruncatesStatus) {
    sys.call(SYS_exit_group, 300);  // 300 & 0xff == 44.
    sys.note("after", "exit_group returned");
    return 1;
}

DIFFTEST(Ids, ExitWithThreadExit) {
    sys.call(SYS_exit, 5);  // The only thread exits: the process ends with status 5.
    sys.note("after", "exit returned");
    return 1;
}
