// arch_prctl(2): the x86-64 FS and GS base registers of the calling thread (TLS pointers).
#include <kernel/process/process.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>

namespace kernel::syscall {
namespace {

constexpr int kArchSetGs = 0x1001, kArchSetFs = 0x1002, kArchGetFs = 0x1003, kArchGetGs = 0x1004,
              kArchGetCpuid = 0x1011, kArchSetCpuid = 0x1012;
// TASK_SIZE_MAX for 4-level paging: a base at or above it would not be a user address.
constexpr uint64_t kTaskSizeMax = (uint64_t{1} << 47) - 4096;

}  // namespace

ostd::Result<int64_t> sys_arch_prctl(SyscallContext& ctx, const SyscallArgs& args) {
    if (!ctx.thread || !ctx.thread->has_user_mode()) return ostd::Error(ESRCH);
    ostd::GeneralRegs& regs = ctx.thread->user_mode().context().regs();
    uint64_t addr = args.args[1];
    switch (args.as_int(0)) {
        case kArchSetFs:
        case kArchSetGs:
            if (addr >= kTaskSizeMax) return ostd::Error(EPERM);
            (args.as_int(0) == kArchSetFs ? regs.fs_base : regs.gs_base) = addr;
            return 0;
        case kArchGetFs:
            TRY(write_user<uint64_t>(ctx, addr, regs.fs_base));
            return 0;
        case kArchGetGs:
            TRY(write_user<uint64_t>(ctx, addr, regs.gs_base));
            return 0;
        case kArchGetCpuid:
            return 1;  // CPUID is always allowed.
        case kArchSetCpuid:
            return ostd::Error(ENODEV, "CPUID faulting is not available");
        default:
            return ostd::Error(EINVAL);
    }
}

}  // namespace kernel::syscall
