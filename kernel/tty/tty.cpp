// The terminal's file operations: reads with VMIN/VTIME and job control, output through OPOST,
// and the received-input path that turns ISIG characters into signals.
#include <kernel/tty/tty.h>

#include <kernel/abi/fcntl.h>
#include <kernel/abi/io.h>
#include <kernel/abi/signal.h>
#include <kernel/process/process_table.h>
#include <kernel/signal/signal.h>
#include <ostd/task/task.h>

namespace kernel::tty {

using ostd::Error;
using ostd::Result;
namespace t = abi::termios;

namespace {

constexpr uint64_t kDeciSecondNs = 100'000'000;

}  // namespace

Thread* caller_thread() {
    ostd::Task* task = ostd::Task::current_or_null();
    return task ? static_cast<Thread*>(task->data()) : nullptr;
}

void signal_group(Pid pgrp, int sig) {
    if (pgrp <= 0) return;
    auto group = ProcessTable::process_group(pgrp);
    if (group.is_error()) return;
    for (auto& p : group.value())
        (void)signal::send_signal(*p, sig, signal::make_info(sig, abi::si::kKernel));
}

Tty::Tty(OutputFn out, void* ctx, Kind kind) : out_(out), out_ctx_(ctx), kind_(kind) {
    if (kind == Kind::kPipe) {
        abi::Termios tm{};
        tm.c_cflag = t::kB38400 | t::kCs8 | t::kCread;
        tm.c_cc[t::kVmin] = 1;
        ostd::SpinLockGuard g(lock_);
        ldisc_.set_termios(tm);
    }
}

Result<ostd::Box<Tty>> Tty::create(OutputFn out, void* ctx, Kind kind) {
    return ostd::try_make_box<Tty>(out, ctx, kind);
}

void Tty::output(std::span<const char> bytes) { out_(out_ctx_, bytes.data(), bytes.size()); }

// Only reached from ldisc_ methods, which run under lock_ (the analysis cannot see through
// the LdiscSink interface).
void Tty::signal(int sig) ORRERY_NO_THREAD_SAFETY_ANALYSIS { pending_sigs_ |= 1u << sig; }

void Tty::wake_all() {
    read_wait_.wake_all();
    write_wait_.wake_all();
    hub_.notify(poll_events());
}

void Tty::send_pending(uint32_t sigs, Pid pgrp) {
    for (int sig = 1; sig < 32; ++sig)
        if (sigs & (1u << sig)) signal_group(pgrp, sig);
}

void Tty::receive(std::span<const char> bytes) {
    uint32_t sigs;
    Pid pgrp;
    {
        ostd::SpinLockGuard g(lock_);
        for (char c : bytes) ldisc_.receive(c, *this);
        sigs = std::exchange(pending_sigs_, 0);
        pgrp = fg_pgrp_;
    }
    wake_all();
    send_pending(sigs, pgrp);
}

void Tty::set_input_closed() {
    {
        ostd::SpinLockGuard g(lock_);
        input_closed_ = true;
    }
    wake_all();
}

void Tty::set_window_size(const abi::Winsize& ws) {
    Pid pgrp = 0;
    {
        ostd::SpinLockGuard g(lock_);
        bool same = winsize_.ws_row == ws.ws_row && winsize_.ws_col == ws.ws_col &&
                    winsize_.ws_xpixel == ws.ws_xpixel && winsize_.ws_ypixel == ws.ws_ypixel;
        winsize_ = ws;
        if (!same) pgrp = fg_pgrp_;
    }
    signal_group(pgrp, abi::sig::kWinch);
}

void Tty::set_termios(const abi::Termios& tm) {
    {
        ostd::SpinLockGuard g(lock_);
        ldisc_.set_termios(tm);
    }
    wake_all();
}

Pid Tty::session() const {
    ostd::SpinLockGuard g(lock_);
    return session_;
}

Pid Tty::foreground_pgrp() const {
    ostd::SpinLockGuard g(lock_);
    return fg_pgrp_;
}

void Tty::on_process_exit(Process& p) {
    Pid pgrp;
    {
        ostd::SpinLockGuard g(lock_);
        if (session_ == 0 || session_ != p.pid()) return;
        pgrp = fg_pgrp_;
        session_ = fg_pgrp_ = 0;
    }
    signal_group(pgrp, abi::sig::kHup);
    signal_group(pgrp, abi::sig::kCont);
}

Result<void> Tty::open(uint32_t major, uint32_t minor, uint32_t flags) {
    Thread* th = caller_thread();
    if (kind_ == Kind::kPipe) {
        if (major == 5 && minor == 0) return Error(ENXIO, "no controlling tty");
        return ostd::ok();
    }
    if (!th) return ostd::ok();
    Process& p = th->process();
    // Process ids are read before lock_: they take the process tree's Mutex.
    const Pid sid = p.sid(), pgid = p.pgid();
    ostd::SpinLockGuard g(lock_);
    if (major == 5 && minor == 0) {  // /dev/tty: the caller's controlling terminal.
        if (session_ == 0 || session_ != sid) return Error(ENXIO, "no controlling tty");
        return ostd::ok();
    }
    // A session leader without a terminal acquires this one (not through /dev/console).
    bool console = major == 5 && minor == 1;
    if (!console && !(flags & abi::open::kNoctty) && session_ == 0 && p.pid() == sid) {
        session_ = sid;
        fg_pgrp_ = pgid;
    }
    return ostd::ok();
}

Result<void> Tty::job_control(Thread& th, int sig) {
    Process& p = th.process();
    const Pid sid = p.sid(), pgid = p.pgid();
    {
        ostd::SpinLockGuard g(lock_);
        if (session_ == 0 || sid != session_ || fg_pgrp_ == 0 || pgid == fg_pgrp_)
            return ostd::ok();
    }
    if (signal::is_ignored_or_blocked(th, sig))
        return sig == abi::sig::kTtin ? Result<void>(Error(EIO)) : ostd::ok();
    signal_group(pgid, sig);
    return Error(ERESTARTSYS);
}

Result<size_t> Tty::read(ostd::VmWriter& out, bool nonblock) {
    if (Thread* th = caller_thread()) TRY(job_control(*th, abi::sig::kTtin));
    if (out.remaining() == 0) return size_t(0);
    char chunk[LineDiscipline::kBufSize];
    size_t total = 0;
    for (;;) {
        bool canon, got = false, closed;
        size_t n = 0, vmin, vtime;
        {
            ostd::SpinLockGuard g(lock_);
            const abi::Termios& tm = ldisc_.termios();
            canon = tm.c_lflag & t::kIcanon;
            vmin = tm.c_cc[t::kVmin];
            vtime = tm.c_cc[t::kVtime];
            if (ldisc_.read_ready()) {
                size_t want = out.remaining() < sizeof chunk ? out.remaining() : sizeof chunk;
                n = ldisc_.read({chunk, want});
                got = true;
            }
            closed = input_closed_;
        }
        if (got) {
            write_wait_.wake_all();
            if (n) {
                auto w = out.write(std::as_bytes(std::span<const char>(chunk, n)));
                if (w.is_error()) return total ? Result<size_t>(total) : w.release_error();
                total += n;
            }
            if (canon || total >= vmin || out.remaining() == 0) return total;
        }
        if (closed) return total;
        if (!canon && vmin == 0 && vtime == 0) return total;
        if (nonblock) return total ? Result<size_t>(total) : Error(EAGAIN);
        ostd::WaitOptions opts{ostd::Interruptible::kYes};
        // VTIME: a total timeout with VMIN 0, an inter-byte timer once a byte arrived.
        if (!canon && vtime && (vmin == 0 || total > 0)) opts.timeout_ns = vtime * kDeciSecondNs;
        auto r = read_wait_.wait_until(
            [&] {
                ostd::SpinLockGuard g(lock_);
                return ldisc_.read_ready() || input_closed_;
            },
            opts);
        if (r.is_error()) {
            if (r.error().code() == ETIMEDOUT) return total;
            return total ? Result<size_t>(total) : Error(ERESTARTSYS);
        }
    }
}

Result<size_t> Tty::write(ostd::VmReader& in) {
    Thread* th = caller_thread();
    if (th) {
        bool tostop;
        {
            ostd::SpinLockGuard g(lock_);
            tostop = ldisc_.termios().c_lflag & t::kTostop;
        }
        if (tostop) TRY(job_control(*th, abi::sig::kTtou));
    }
    size_t done = 0;
    char chunk[256];
    while (in.remaining()) {
        size_t n = in.remaining() < sizeof chunk ? in.remaining() : sizeof chunk;
        auto r = in.read(std::as_writable_bytes(std::span<char>(chunk, n)));
        if (r.is_error()) return done ? Result<size_t>(done) : r.release_error();
        auto w = write_wait_.wait_until(
            [&] {
                ostd::SpinLockGuard g(lock_);
                return !ldisc_.output_stopped();
            },
            {ostd::Interruptible::kYes});
        if (w.is_error()) return done ? Result<size_t>(done) : Error(ERESTARTSYS);
        {
            ostd::SpinLockGuard g(lock_);
            ldisc_.write({chunk, n}, *this);
        }
        done += n;
    }
    return done;
}

uint32_t Tty::poll_events() {
    ostd::SpinLockGuard g(lock_);
    uint32_t ev = 0;
    if (ldisc_.read_ready() || input_closed_) ev |= uint32_t(abi::poll::kIn | abi::poll::kRdnorm);
    if (!ldisc_.output_stopped()) ev |= uint32_t(abi::poll::kOut | abi::poll::kWrnorm);
    return ev;
}

}  // namespace kernel::tty
