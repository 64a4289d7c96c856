// Differential: the uid/gid family and supplementary groups, starting as root (the host side
// runs as root in its forked child; CI runs as root). Rules: man 2 setuid, setresuid, setgroups.
#include <sys/syscall.h>

#include "difftest.h"

namespace {

constexpr uint64_t kBadPtr = 0x8;  // Never mapped on either backend.
constexpr uint64_t kKeep = static_cast<uint64_t>(-1);  // "Leave unchanged" for setre*/setres*.

void record_ids(orrery::difftest::Sys& sys, const char* what) {
    uint64_t ids = sys.scratch(24);
    sys.ret(what, sys.call(SYS_getresuid, ids, ids + 4, ids + 8));
    sys.ret("  ruid", sys.get_u32(ids));
    sys.ret("  euid", sys.get_u32(ids + 4));
    sys.ret("  suid", sys.get_u32(ids + 8));
    sys.ret("  fsuid", sys.call(SYS_setfsuid, kKeep));  // -1: query only.
    sys.ret("getresgid", sys.call(SYS_getresgid, ids + 12, ids + 16, ids + 20));
    sys.ret("  rgid", sys.get_u32(ids + 12));
    sys.ret("  egid", sys.get_u32(ids + 16));
    sys.ret("  sgid", sys.get_u32(ids + 20));
    sys.ret("  fsgid", sys.call(SYS_setfsgid, kKeep));
}

}  // namespace

DIFFTEST(Creds, RootStartsAtZero) {
    sys.ret("getuid", sys.call(SYS_getuid));
    sys.ret("geteuid", sys.call(SYS_geteuid));
    sys.ret("getgid", sys.call(SYS_getgid));
    sys.ret("getegid", sys.call(SYS_getegid));
    sys.ret("getgroups(0)", sys.call(SYS_getgroups, 0, 0));
    record_ids(sys, "initial");
    return 0;
}

DIFFTEST(Creds, SetuidAsRootDropsEverything) {
    sys.ret("setuid(1000)", sys.call(SYS_setuid, 1000));
    record_ids(sys, "after setuid");
    sys.ret("setuid(0)", sys.call(SYS_setuid, 0));
    sys.ret("setuid(1000) again", sys.call(SYS_setuid, 1000));
    sys.ret("setuid(2000)", sys.call(SYS_setuid, 2000));
    sys.ret("setgid(5)", sys.call(SYS_setgid, 5));
    sys.ret("setresuid(-1,-1,-1)", sys.call(SYS_setresuid, kKeep, kKeep, kKeep));
    record_ids(sys, "final");
    return 0;
}

DIFFTEST(Creds, SavedUidAllowsRegainingRoot) {
    sys.ret("setresuid(1000,1000,0)", sys.call(SYS_setresuid, 1000, 1000, 0));
    record_ids(sys, "dropped");
    sys.ret("setuid(5)", sys.call(SYS_setuid, 5));
    sys.ret("setuid(0)", sys.call(SYS_setuid, 0));  // Unprivileged: sets euid from saved.
    record_ids(sys, "setuid(0)");
    sys.ret("setresuid(-1,0,-1)", sys.call(SYS_setresuid, kKeep, 0, kKeep));
    record_ids(sys, "regained");
    return 0;
}

DIFFTEST(Creds, SetreuidRules) {
    sys.ret("setreuid(1000,2000)", sys.call(SYS_setreuid, 1000, 2000));
    record_ids(sys, "after");  // euid != old ruid: saved uid follows euid.
    sys.ret("setreuid(2000,1000)", sys.call(SYS_setreuid, 2000, 1000));  // Swap: allowed.
    record_ids(sys, "swapped");
    sys.ret("setreuid(3000,-1)", sys.call(SYS_setreuid, 3000, kKeep));
    sys.ret("setreuid(-1,3000)", sys.call(SYS_setreuid, kKeep, 3000));
    sys.ret("setreuid(-1,-1)", sys.call(SYS_setreuid, kKeep, kKeep));
    record_ids(sys, "final");
    return 0;
}

DIFFTEST(Creds, GidFamily) {
    sys.ret("setresgid(10,20,30)", sys.call(SYS_setresgid, 10, 20, 30));
    record_ids(sys, "resgid");
    sys.ret("setregid(40,-1)", sys.call(SYS_setregid, 40, kKeep));
    record_ids(sys, "regid");
    sys.ret("setgid(7)", sys.call(SYS_setgid, 7));  // Root: all three.
    record_ids(sys, "setgid");
    sys.ret("setresuid(1,1,1)", sys.call(SYS_setresuid, 1, 1, 1));
    sys.ret("setgid(8)", sys.call(SYS_setgid, 8));
    sys.ret("setgid(7)", sys.call(SYS_setgid, 7));
    sys.ret("setresgid(7,7,9)", sys.call(SYS_setresgid, 7, 7, 9));
    sys.ret("setregid(7,-1)", sys.call(SYS_setregid, 7, kKeep));
    record_ids(sys, "final");
    return 0;
}

DIFFTEST(Creds, FsuidFollowsEuidAndReturnsPrevious) {
    sys.ret("setfsuid(500)", sys.call(SYS_setfsuid, 500));
    sys.ret("setfsuid(-1)", sys.call(SYS_setfsuid, kKeep));
    sys.ret("seteuid via setresuid", sys.call(SYS_setresuid, kKeep, 600, kKeep));
    sys.ret("setfsuid(-1)", sys.call(SYS_setfsuid, kKeep));  // euid change resets fsuid.
    sys.ret("setfsuid(700)", sys.call(SYS_setfsuid, 700));   // Not permitted: unchanged.
    sys.ret("setfsuid(-1)", sys.call(SYS_setfsuid, kKeep));
    sys.ret("setfsgid(900)", sys.call(SYS_setfsgid, 900));
    sys.ret("setfsgid(-1)", sys.call(SYS_setfsgid, kKeep));
    return 0;
}

DIFFTEST(Creds, ResIdEfault) {
    uint64_t ids = sys.scratch(12);
    sys.ret("getresuid(bad,.,.)", sys.call(SYS_getresuid, kBadPtr, ids + 4, ids + 8));
    sys.ret("getresuid(.,bad,.)", sys.call(SYS_getresuid, ids, kBadPtr, ids + 8));
    sys.ret("getresuid(.,.,bad)", sys.call(SYS_getresuid, ids, ids + 4, kBadPtr));
    sys.ret("getresgid(bad,.,.)", sys.call(SYS_getresgid, kBadPtr, ids + 4, ids + 8));
    sys.ret("getresgid(.,bad,.)", sys.call(SYS_getresgid, ids, kBadPtr, ids + 8));
    sys.ret("getresgid(.,.,bad)", sys.call(SYS_getresgid, ids, ids + 4, kBadPtr));
    return 0;
}

DIFFTEST(Creds, SupplementaryGroups) {
    uint32_t groups[3] = {7, 8, 9};
    uint64_t in = sys.scratch(sizeof groups);
    sys.put(in, groups, sizeof groups);
    uint64_t out = sys.scratch(64);
    sys.ret("setgroups(3)", sys.call(SYS_setgroups, 3, in));
    sys.ret("getgroups(0)", sys.call(SYS_getgroups, 0, 0));
    sys.ret("getgroups(16)", sys.call(SYS_getgroups, 16, out));
    uint32_t got[3];
    sys.get(out, got, sizeof got);
    sys.bytes("groups", got, sizeof got);
    sys.ret("getgroups(1) too small", sys.call(SYS_getgroups, 1, out));
    sys.ret("getgroups(-1)", sys.call(SYS_getgroups, static_cast<uint64_t>(-1), out));
    sys.ret("getgroups(EFAULT)", sys.call(SYS_getgroups, 3, kBadPtr));
    sys.ret("setgroups(EFAULT)", sys.call(SYS_setgroups, 2, kBadPtr));
    sys.ret("setgroups(-1)", sys.call(SYS_setgroups, static_cast<uint64_t>(-1), in));
    sys.ret("setgroups(65537)", sys.call(SYS_setgroups, 65537, in));
    sys.ret("setgroups(0)", sys.call(SYS_setgroups, 0, 0));
    sys.ret("getgroups(0) after clear", sys.call(SYS_getgroups, 0, 0));
    sys.ret("drop root", sys.call(SYS_setresuid, 1000, 1000, 1000));
    sys.ret("setgroups unprivileged", sys.call(SYS_setgroups, 1, in));
    sys.ret("setgroups(0) unprivileged", sys.call(SYS_setgroups, 0, 0));
    return 0;
}
