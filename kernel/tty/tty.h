// A terminal: the line discipline plus what makes it a controlling terminal — its session and
// foreground process group, job-control checks (SIGTTIN/SIGTTOU), the termios/winsize ioctls,
// readiness for poll — behind devfs's TtyDriver. The device below supplies an output function
// and feeds received bytes from task context.
// Lock order: Tty::lock_ is a leaf (signals are sent after it is released).
#pragma once

#include <atomic>

#include <kernel/fs/devfs/char_device.h>
#include <kernel/process/process.h>
#include <kernel/tty/line_discipline.h>
#include <ostd/sync/spinlock.h>
#include <ostd/sync/wait_queue.h>

namespace kernel::tty {

class Tty final : public fs::devfs::TtyDriver, private LdiscSink {
public:
    /// Writes bytes to the device (the console). Called under the tty's SpinLock: must not
    /// sleep. `ctx` is Tty's creator's.
    using OutputFn = void (*)(void* ctx, const char* bytes, size_t n);

    /// kTerminal: a terminal. kPipe: the same byte stream without being one, for a console whose
    /// host ends are not terminals: raw mode, every tty ioctl but FIONREAD fails with ENOTTY
    /// (isatty() is false), never a controlling terminal.
    enum class Kind : uint8_t { kTerminal, kPipe };

    /// ENOMEM.
    static ostd::Result<ostd::Box<Tty>> create(OutputFn out, void* ctx,
                                                Kind kind = Kind::kTerminal);

    // ---- Device side (task context) ----
    /// Received bytes: runs the line discipline, wakes readers, and sends ISIG signals to the
    /// foreground process group.
    void receive(std::span<const char> bytes);
    /// The device's input ended: once the buffer is drained, reads return 0 (end of file).
    void set_input_closed();
    /// TIOCSWINSZ semantics: a changed size sends SIGWINCH to the foreground process group.
    void set_window_size(const abi::Winsize& ws);
    /// The terminal's session (0: none) and foreground process group.
    Pid session() const;
    Pid foreground_pgrp() const;
    /// Replaces the termios settings (the console's start-up mode).
    void set_termios(const abi::Termios& t);

    /// The session leader `p` exited: if this is its controlling terminal, hang up: SIGHUP and
    /// SIGCONT to the foreground process group, then no session (Linux disassociate_ctty()).
    void on_process_exit(Process& p);

    // ---- TtyDriver: file operations of /dev/console, /dev/tty, /dev/ttyS0 ----
    ostd::Result<void> open(uint32_t major, uint32_t minor, uint32_t flags) override;
    ostd::Result<size_t> read(ostd::VmWriter& out, bool nonblock) override;
    ostd::Result<size_t> write(ostd::VmReader& in) override;
    ostd::Result<int64_t> ioctl(uint32_t cmd, uint64_t arg, fs::IoctlIo& io) override;
    uint32_t poll_events() override;
    fs::PollHub* poll_hub() override { return &hub_; }

private:
    template <typename T, typename... Args>
    friend ostd::Result<ostd::Box<T>> ostd::try_make_box(Args&&... args);
    Tty(OutputFn out, void* ctx, Kind kind);

    // LdiscSink (called under lock_).
    void output(std::span<const char> bytes) override;
    void signal(int sig) override;

    /// Linux's job-control check (n_tty's job_control / tty_check_change): a background process
    /// of the terminal's session gets `sig` (SIGTTIN/SIGTTOU) sent to its group and
    /// ERESTARTSYS; EIO when it ignores or blocks SIGTTIN. ok() otherwise.
    ostd::Result<void> job_control(Thread& t, int sig);
    /// ENOTTY unless this is p's controlling terminal.
    ostd::Result<void> require_ctty(Process& p);
    ostd::Result<int64_t> set_pgrp(Thread& t, uint64_t arg, fs::IoctlIo& io);
    ostd::Result<int64_t> set_ctty(Thread& t, uint64_t arg);
    ostd::Result<int64_t> set_termios_ioctl(Thread* t, uint32_t cmd, uint64_t arg,
                                            fs::IoctlIo& io);
    /// Sends the ISIG signals collected under the lock.
    void send_pending(uint32_t sigs, Pid pgrp);
    void wake_all();

    mutable ostd::SpinLock lock_;
    LineDiscipline ldisc_ ORRERY_GUARDED_BY(lock_);
    abi::Winsize winsize_ ORRERY_GUARDED_BY(lock_) = {};
    Pid session_ ORRERY_GUARDED_BY(lock_) = 0;
    Pid fg_pgrp_ ORRERY_GUARDED_BY(lock_) = 0;
    uint32_t pending_sigs_ ORRERY_GUARDED_BY(lock_) = 0;  // Bit n: signal n from ISIG.
    bool input_closed_ ORRERY_GUARDED_BY(lock_) = false;
    OutputFn out_;
    void* out_ctx_;
    const Kind kind_;
    ostd::WaitQueue read_wait_;
    ostd::WaitQueue write_wait_;  // Output stopped (^S / TCOOFF).
    fs::PollHub hub_;
};

/// The user thread whose syscall runs on this task (its Task data), or null for kernel tasks
/// (the console's input worker, tests).
Thread* caller_thread();

/// Sends `sig` (SI_KERNEL) to every process of group `pgrp`. Task context.
void signal_group(Pid pgrp, int sig);

}  // namespace kernel::tty
