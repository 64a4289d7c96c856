// futex(2): decode the operation, its timeout and flags, and call the futex table.
#include <kernel/abi/futex.h>
#include <kernel/abi/time.h>
#include <kernel/futex/futex.h>
#include <kernel/process/process.h>
#include <kernel/syscall/handlers.h>
#include <kernel/syscall/user_memory.h>
#include <kernel/time/clock.h>

#include <ostd/timer/timer.h>

namespace kernel::syscall {
namespace {

namespace fx = abi::futex;

// A user timespec as nanoseconds. EFAULT; EINVAL for negative or out-of-range fields.
ostd::Result<uint64_t> read_timeout(SyscallContext& ctx, uint64_t uaddr) {
    auto ts = TRY(read_user<abi::Timespec>(ctx, uaddr));
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1'000'000'000)
        return ostd::Error(EINVAL, "bad futex timeout");
    constexpr uint64_t kMaxSec = UINT64_MAX / ostd::time::kNsPerSec - 1;
    uint64_t sec = static_cast<uint64_t>(ts.tv_sec);
    if (sec > kMaxSec) return futex::kNoDeadline;
    return sec * ostd::time::kNsPerSec + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t add_saturating(uint64_t a, uint64_t b) {
    uint64_t r;
    return __builtin_add_overflow(a, b, &r) || r == futex::kNoDeadline ? futex::kNoDeadline - 1 : r;
}

ostd::Result<int64_t> do_wait(SyscallContext& ctx, const SyscallArgs& args, futex::Scope scope,
                              uint32_t bitset, bool absolute, bool realtime) {
    uint64_t deadline = futex::kNoDeadline;
    if (args.args[3]) {
        uint64_t t = TRY(read_timeout(ctx, args.args[3]));
        if (t == futex::kNoDeadline) {
            // Beyond any representable deadline: wait forever.
        } else if (!absolute) {
            deadline = add_saturating(ostd::time::now(), t);
        } else if (realtime) {
            // Convert the realtime deadline to the monotonic clock the waits use.
            uint64_t rt = realtime_ns();
            deadline = t > rt ? add_saturating(ostd::time::now(), t - rt) : 0;
        } else {
            deadline = t;
        }
    }
    auto r = futex::wait(ctx.process->address_space(), args.args[0], scope, args.as_uint(2), bitset,
                         deadline);
    if (r.is_ok()) return 0;
    if (r.error().code() == EINTR) {
        // Without a timeout the wait restarts transparently (SA_RESTART or no handler); with one
        // it restarts only when no handler runs, as restart_block cannot be rebuilt here.
        return ostd::Error(args.args[3] ? ERESTARTNOHAND : ERESTARTSYS);
    }
    return r.error();
}

// Linux reads nr_wake / nr_requeue as int: negative counts are EINVAL.
ostd::Result<size_t> count_arg(int32_t v) {
    if (v < 0) return ostd::Error(EINVAL, "negative futex count");
    return static_cast<size_t>(v);
}

// FUTEX_WAKE and FUTEX_WAKE_OP stop after the count is reached but check only after waking
// one, so 0 or a negative count still wakes one waiter (as in Linux's futex_wake()).
size_t wake_count(int32_t v) {
    return v <= 0 ? 1 : static_cast<size_t>(v);
}

}  // namespace

ostd::Result<int64_t> sys_futex(SyscallContext& ctx, const SyscallArgs& args) {
    if (!ctx.process) return ostd::Error(ESRCH);
    int32_t op = args.as_int(1);
    int cmd = op & fx::kCmdMask;
    futex::Scope scope = (op & fx::kPrivateFlag) ? futex::Scope::kPrivate : futex::Scope::kShared;
    bool realtime = op & fx::kClockRealtime;
    if (realtime && cmd != fx::kWaitBitset && cmd != fx::kWaitRequeuePi && cmd != fx::kLockPi2)
        return ostd::Error(ENOSYS, "FUTEX_CLOCK_REALTIME with this op");
    AddressSpace& as = ctx.process->address_space();
    uint64_t uaddr = args.args[0];
    // val2 (the timeout slot) is a count for the requeue and wake_op commands.
    int32_t val2 = static_cast<int32_t>(args.args[3]);
    switch (cmd) {
        case fx::kWait:
            return do_wait(ctx, args, scope, futex::kMatchAny, false, false);
        case fx::kWaitBitset:
            return do_wait(ctx, args, scope, args.as_uint(5), true, realtime);
        case fx::kWake:
            return static_cast<int64_t>(
                TRY(futex::wake(as, uaddr, scope, wake_count(args.as_int(2)))));
        case fx::kWakeBitset:
            return static_cast<int64_t>(
                TRY(futex::wake(as, uaddr, scope, wake_count(args.as_int(2)), args.as_uint(5))));
        case fx::kRequeue:
        case fx::kCmpRequeue: {
            size_t nr_wake = TRY(count_arg(args.as_int(2)));
            size_t nr_requeue = TRY(count_arg(val2));
            std::optional<uint32_t> cmp;
            if (cmd == fx::kCmpRequeue) cmp = args.as_uint(5);
            return static_cast<int64_t>(
                TRY(futex::requeue(as, uaddr, args.args[4], scope, nr_wake, nr_requeue, cmp)));
        }
        case fx::kWakeOp: {
            size_t nr_wake = wake_count(args.as_int(2));
            size_t nr_wake2 = wake_count(val2);
            return static_cast<int64_t>(TRY(futex::wake_op(as, uaddr, args.args[4], scope, nr_wake,
                                                           nr_wake2, args.as_uint(5))));
        }
        default:
            return ostd::Error(ENOSYS, "futex command not supported");
    }
}

}  // namespace kernel::syscall
