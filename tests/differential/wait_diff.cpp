// Differential: wait4/waitid errno paths with no children (fork-based waiting: fork_diff.cpp).
#include <sys/syscall.h>
#include <sys/wait.h>

#include "difftest.h"

namespace {
constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kNoSuchPid = 99999999;
constexpr uint64_t kAny = static_cast<uint64_t>(-1);
}  // namespace

DIFFTEST(Wait, Wait4WithoutChildren) {
    uint64_t st = sys.scratch(8);
    sys.ret("wait4(-1)", sys.call(SYS_wait4, kAny, st, 0, 0));
    sys.ret("wait4(-1,WNOHANG)", sys.call(SYS_wait4, kAny, st, WNOHANG, 0));
    sys.ret("wait4(0)", sys.call(SYS_wait4, 0, st, 0, 0));
    sys.ret("wait4(nosuch)", sys.call(SYS_wait4, kNoSuchPid, st, 0, 0));
    int64_t self = sys.call(SYS_getpid);
    sys.ret("wait4(-pgid)", sys.call(SYS_wait4, static_cast<uint64_t>(-self), st, 0, 0));
    sys.ret("wait4(self)", sys.call(SYS_wait4, static_cast<uint64_t>(self), st, 0, 0));
    sys.ret("status EFAULT, no child", sys.call(SYS_wait4, kAny, kBadPtr, 0, 0));
    sys.ret("rusage EFAULT, no child", sys.call(SYS_wait4, kAny, st, 0, kBadPtr));
    sys.ret("WUNTRACED|WCONTINUED", sys.call(SYS_wait4, kAny, st, WUNTRACED | WCONTINUED, 0));
    sys.ret("__WALL|__WCLONE", sys.call(SYS_wait4, kAny, st, __WALL | __WCLONE, 0));
    sys.ret("bad option 0x100", sys.call(SYS_wait4, kAny, st, 0x100, 0));
    sys.ret("WEXITED is not a wait4 option", sys.call(SYS_wait4, kAny, st, WEXITED, 0));
    return 0;
}

DIFFTEST(Wait, WaitidWithoutChildren) {
    uint64_t info = sys.scratch(128);
    sys.ret("P_ALL no options", sys.call(SYS_waitid, P_ALL, 0, info, 0, 0));
    sys.ret("P_ALL WEXITED", sys.call(SYS_waitid, P_ALL, 0, info, WEXITED, 0));
    sys.ret("P_ALL WEXITED|WNOHANG", sys.call(SYS_waitid, P_ALL, 0, info, WEXITED | WNOHANG, 0));
    sys.ret("P_ALL WSTOPPED", sys.call(SYS_waitid, P_ALL, 0, info, WSTOPPED, 0));
    sys.ret("P_ALL WCONTINUED", sys.call(SYS_waitid, P_ALL, 0, info, WCONTINUED, 0));
    sys.ret("P_PID nosuch", sys.call(SYS_waitid, P_PID, kNoSuchPid, info, WEXITED, 0));
    sys.ret("P_PID 0", sys.call(SYS_waitid, P_PID, 0, info, WEXITED, 0));
    sys.ret("P_PID -1", sys.call(SYS_waitid, P_PID, kAny, info, WEXITED, 0));
    sys.ret("P_PGID 0", sys.call(SYS_waitid, P_PGID, 0, info, WEXITED, 0));
    sys.ret("P_PGID -1", sys.call(SYS_waitid, P_PGID, kAny, info, WEXITED, 0));
    sys.ret("bad idtype", sys.call(SYS_waitid, 7, 0, info, WEXITED, 0));
    sys.ret("bad option", sys.call(SYS_waitid, P_ALL, 0, info, WEXITED | 0x100, 0));
    sys.ret("WUNTRACED alone", sys.call(SYS_waitid, P_ALL, 0, info, WUNTRACED, 0));
    sys.ret("NULL infop", sys.call(SYS_waitid, P_ALL, 0, 0, WEXITED, 0));
    return 0;
}
