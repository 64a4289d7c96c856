// The terminal ioctls (man 2 ioctl_tty, man 4 tty_ioctl): termios, the controlling terminal,
// the foreground process group, window size, queue flushes and flow control.
#include <kernel/abi/signal.h>
#include <kernel/process/process_table.h>
#include <kernel/tty/tty.h>

namespace kernel::tty {

using ostd::Error;
using ostd::Result;
namespace t = abi::termios;
namespace io = abi::ioctl;

namespace {

template <typename T>
Result<void> copy_out(fs::IoctlIo& io, uint64_t addr, const T& v) {
    return io.copy_out(addr, std::as_bytes(std::span<const T>(&v, 1)));
}

template <typename T>
Result<T> copy_in(fs::IoctlIo& io, uint64_t addr) {
    T v{};
    TRY(io.copy_in(addr, std::as_writable_bytes(std::span<T>(&v, 1))));
    return v;
}

}  // namespace

Result<void> Tty::require_ctty(Process& p) {
    const Pid sid = p.sid();  // Before lock_: takes the tree Mutex.
    ostd::SpinLockGuard g(lock_);
    if (session_ == 0 || session_ != sid) return Error(ENOTTY, "not the controlling tty");
    return ostd::ok();
}

Result<int64_t> Tty::set_termios_ioctl(Thread* th, uint32_t cmd, uint64_t arg, fs::IoctlIo& io) {
    abi::Termios tm = TRY(copy_in<abi::Termios>(io, arg));
    if (th) TRY(job_control(*th, abi::sig::kTtou));
    {
        ostd::SpinLockGuard g(lock_);
        // TCSETSW would wait for output to drain; console output is written synchronously.
        if (cmd == io::kTcsetsf) ldisc_.flush_input();
        ldisc_.set_termios(tm);
    }
    wake_all();
    return 0;
}

Result<int64_t> Tty::set_pgrp(Thread& th, uint64_t arg, fs::IoctlIo& io) {
    Process& p = th.process();
    TRY(require_ctty(p));
    Pid pgrp = TRY(copy_in<int32_t>(io, arg));
    TRY(job_control(th, abi::sig::kTtou));
    if (pgrp < 0) return Error(EINVAL);
    auto group = TRY(ProcessTable::process_group(pgrp));
    if (group.is_empty()) return Error(ESRCH);
    const Pid sid = p.sid();
    for (auto& member : group)
        if (member->sid() != sid) return Error(EPERM, "process group in another session");
    ostd::SpinLockGuard g(lock_);
    if (session_ != sid) return Error(ENOTTY);
    fg_pgrp_ = pgrp;
    return 0;
}

Result<int64_t> Tty::set_ctty(Thread& th, uint64_t arg) {
    Process& p = th.process();
    const Pid sid = p.sid(), pgid = p.pgid();
    const bool privileged = p.creds().is_privileged();
    if (p.pid() != sid) return Error(EPERM, "not a session leader");
    ostd::SpinLockGuard g(lock_);
    if (session_ == sid) return 0;
    // Stealing another session's terminal takes arg 1 and CAP_SYS_ADMIN.
    if (session_ != 0 && (arg != 1 || !privileged))
        return Error(EPERM, "tty belongs to another session");
    session_ = sid;
    fg_pgrp_ = pgid;
    return 0;
}

Result<int64_t> Tty::ioctl(uint32_t cmd, uint64_t arg, fs::IoctlIo& io_) {
    Thread* th = caller_thread();
    if (kind_ == Kind::kPipe && cmd != io::kFionread) return Error(ENOTTY);
    switch (cmd) {
        case io::kTcgets: {
            abi::Termios tm;
            {
                ostd::SpinLockGuard g(lock_);
                tm = ldisc_.termios();
            }
            TRY(copy_out(io_, arg, tm));
            return 0;
        }
        case io::kTcsets:
        case io::kTcsetsw:
        case io::kTcsetsf:
            return set_termios_ioctl(th, cmd, arg, io_);
        case io::kTiocgpgrp: {
            if (!th) return Error(ENOTTY);
            TRY(require_ctty(th->process()));
            int32_t pgrp = foreground_pgrp();
            TRY(copy_out(io_, arg, pgrp));
            return 0;
        }
        case io::kTiocspgrp:
            if (!th) return Error(ENOTTY);
            return set_pgrp(*th, arg, io_);
        case io::kTiocgsid: {
            if (!th) return Error(ENOTTY);
            TRY(require_ctty(th->process()));
            int32_t sid = session();
            TRY(copy_out(io_, arg, sid));
            return 0;
        }
        case io::kTiocsctty:
            if (!th) return Error(EPERM);
            return set_ctty(*th, arg);
        case io::kTiocnotty: {
            if (!th) return Error(ENOTTY);
            Process& p = th->process();
            TRY(require_ctty(p));
            // A session leader gives the terminal up for the whole session (with the hangup
            // signals); another process keeps sharing its session's terminal here.
            if (p.pid() == p.sid()) on_process_exit(p);
            return 0;
        }
        case io::kTiocgwinsz: {
            abi::Winsize ws;
            {
                ostd::SpinLockGuard g(lock_);
                ws = winsize_;
            }
            TRY(copy_out(io_, arg, ws));
            return 0;
        }
        case io::kTiocswinsz:
            set_window_size(TRY(copy_in<abi::Winsize>(io_, arg)));
            return 0;
        case io::kFionread: {
            int32_t n;
            {
                ostd::SpinLockGuard g(lock_);
                n = static_cast<int32_t>(ldisc_.readable_bytes());
            }
            TRY(copy_out(io_, arg, n));
            return 0;
        }
        case io::kTiocoutq: {
            int32_t zero = 0;  // Output is written synchronously: nothing queued.
            TRY(copy_out(io_, arg, zero));
            return 0;
        }
        case io::kTcflsh:
            if (arg > uint64_t(t::kTcioflush)) return Error(EINVAL);
            if (arg != uint64_t(t::kTcoflush)) {
                ostd::SpinLockGuard g(lock_);
                ldisc_.flush_input();
            }
            wake_all();
            return 0;
        case io::kTcxonc:
            if (arg > uint64_t(t::kTcion)) return Error(EINVAL);
            if (arg == uint64_t(t::kTcooff) || arg == uint64_t(t::kTcoon)) {
                ostd::SpinLockGuard g(lock_);
                ldisc_.set_output_stopped(arg == uint64_t(t::kTcooff));
            }
            wake_all();
            return 0;
        case io::kTcsbrk:
            return 0;  // Drain: output is synchronous; no break on a virtual line.
        default:
            return Error(ENOTTY);
    }
}

}  // namespace kernel::tty
