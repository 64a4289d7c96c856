// Differential: uname, host/domain names, sysinfo, getrandom, CPU affinity and getcpu.
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include <cstring>

#include "difftest.h"

namespace {

using orrery::difftest::Sys;

constexpr uint64_t kBadPtr = 0x8;
constexpr uint64_t kNoSuchPid = 99999999;
constexpr uint64_t kUtsField = 65;

void note_field(Sys& sys, const char* label, uint64_t addr) {
    char field[kUtsField + 1] = {};
    sys.get(addr, field, kUtsField);
    sys.note(label, field);
}

}  // namespace

DIFFTEST(System, Uname) {
    uint64_t u = sys.scratch(6 * kUtsField);
    sys.ret("uname", sys.call(SYS_uname, u));
    note_field(sys, "sysname", u);
    note_field(sys, "machine", u + 4 * kUtsField);
    sys.ret("uname(EFAULT)", sys.call(SYS_uname, kBadPtr));
    return 0;
}

// The host child has its own UTS namespace (see run_on_host), so this stays in the child.
DIFFTEST(System, HostAndDomainName) {
    uint64_t name = sys.put_string("orrery-difftest");
    sys.ret("sethostname", sys.call(SYS_sethostname, name, 15));
    sys.ret("setdomainname", sys.call(SYS_setdomainname, name, 6));
    uint64_t u = sys.scratch(6 * kUtsField);
    sys.ret("uname", sys.call(SYS_uname, u));
    note_field(sys, "nodename", u + kUtsField);
    note_field(sys, "domainname", u + 5 * kUtsField);
    sys.ret("sethostname len 65", sys.call(SYS_sethostname, name, 65));
    sys.ret("sethostname len -1", sys.call(SYS_sethostname, name, static_cast<uint64_t>(-1)));
    sys.ret("sethostname EFAULT", sys.call(SYS_sethostname, kBadPtr, 4));
    sys.ret("sethostname len 0", sys.call(SYS_sethostname, name, 0));
    sys.ret("uname", sys.call(SYS_uname, u));
    note_field(sys, "nodename", u + kUtsField);
    sys.ret("setdomainname len 65", sys.call(SYS_setdomainname, name, 65));
    sys.ret("setdomainname EFAULT", sys.call(SYS_setdomainname, kBadPtr, 4));
    sys.ret("drop root", sys.call(SYS_setresuid, 1000, 1000, 1000));
    sys.ret("sethostname unprivileged", sys.call(SYS_sethostname, name, 4));
    sys.ret("setdomainname unprivileged", sys.call(SYS_setdomainname, name, 4));
    return 0;
}

DIFFTEST(System, Sysinfo) {
    uint64_t info = sys.scratch(128);
    sys.ret("sysinfo", sys.call(SYS_sysinfo, info));
    sys.ret("mem_unit", sys.get_u32(info + 104));
    sys.ret("totalram > 0", sys.get_u64(info + 32) > 0);
    sys.ret("procs > 0", (sys.get_u32(info + 80) & 0xffff) > 0);
    sys.ret("sysinfo(EFAULT)", sys.call(SYS_sysinfo, kBadPtr));
    return 0;
}

DIFFTEST(System, Getrandom) {
    uint64_t buf = sys.scratch(64);
    sys.ret("len 0", sys.call(SYS_getrandom, buf, 0, 0));
    sys.ret("len 16", sys.call(SYS_getrandom, buf, 16, 0));
    sys.ret("nonblock 32", sys.call(SYS_getrandom, buf, 32, GRND_NONBLOCK));
    sys.ret("random 8", sys.call(SYS_getrandom, buf, 8, GRND_RANDOM));
    sys.ret("insecure 8", sys.call(SYS_getrandom, buf, 8, 0x0004));
    sys.ret("random|insecure", sys.call(SYS_getrandom, buf, 8, GRND_RANDOM | 0x0004));
    sys.ret("unknown flag", sys.call(SYS_getrandom, buf, 8, 0x100));
    sys.ret("EFAULT", sys.call(SYS_getrandom, kBadPtr, 8, 0));
    uint64_t a = sys.scratch(32), b = sys.scratch(32);
    sys.call(SYS_getrandom, a, 32, 0);
    sys.call(SYS_getrandom, b, 32, 0);
    char x[32], y[32];
    sys.get(a, x, 32);
    sys.get(b, y, 32);
    sys.ret("two draws differ", memcmp(x, y, 32) != 0);
    return 0;
}

DIFFTEST(System, AffinityAndGetcpu) {
    uint64_t mask = sys.scratch(128);
    sys.ok("getaffinity(8)", sys.call(SYS_sched_getaffinity, 0, 128, mask));
    sys.ret("cpu0 allowed", sys.get_u64(mask) & 1);
    sys.ret("getaffinity len 0", sys.call(SYS_sched_getaffinity, 0, 0, mask));
    sys.ret("getaffinity len 12", sys.call(SYS_sched_getaffinity, 0, 12, mask));
    sys.ret("getaffinity EFAULT", sys.call(SYS_sched_getaffinity, 0, 128, kBadPtr));
    sys.ret("getaffinity nosuch", sys.call(SYS_sched_getaffinity, kNoSuchPid, 128, mask));
    uint64_t one = sys.scratch(8);
    sys.put_u64(one, 1);
    uint64_t none = sys.scratch(8);
    sys.ret("setaffinity cpu0", sys.call(SYS_sched_setaffinity, 0, 8, one));
    sys.ret("getaffinity after", sys.call(SYS_sched_getaffinity, 0, 8, mask) > 0);
    sys.ret("now only cpu0", static_cast<int64_t>(sys.get_u64(mask)));
    sys.ret("setaffinity empty", sys.call(SYS_sched_setaffinity, 0, 8, none));
    sys.ret("setaffinity EFAULT", sys.call(SYS_sched_setaffinity, 0, 8, kBadPtr));
    sys.ret("setaffinity nosuch", sys.call(SYS_sched_setaffinity, kNoSuchPid, 8, one));
    uint64_t cpu = sys.scratch(8);
    sys.ret("getcpu", sys.call(SYS_getcpu, cpu, cpu + 4, 0));
    sys.ret("on cpu0", sys.get_u32(cpu));
    sys.ret("getcpu(NULL)", sys.call(SYS_getcpu, 0, 0, 0));
    sys.ret("getcpu EFAULT", sys.call(SYS_getcpu, kBadPtr, 0, 0));
    sys.ret("sched_yield", sys.call(SYS_sched_yield));
    return 0;
}
