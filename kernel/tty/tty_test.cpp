// The console terminal end to end: the host's stdin (a pipe here) feeds the input IRQ, the
// worker runs the line discipline, and scripted programs use it through the real syscalls:
// reads, echo, the tty ioctls with their errors, job control signals and hangup.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "run_program.h"

namespace {

using ostd::host::ScriptedUser;
using orrery::testing::kernel_machine;
using orrery::testing::run_program;

constexpr uint64_t kBadPtr = 0x8;

// Swaps the host's stdin for a pipe (what the test "types") and stdout for a memfd (what the
// terminal shows) while a machine runs.
class HostConsole {
public:
    HostConsole() {
        int p[2];
        EXPECT_EQ(pipe(p), 0);
        fflush(stdout);
        saved_in_ = dup(STDIN_FILENO);
        saved_out_ = dup(STDOUT_FILENO);
        dup2(p[0], STDIN_FILENO);
        close(p[0]);
        in_ = p[1];
        out_ = memfd_create("tty-out", 0);
        if (!getenv("TTY_TEST_NOCAPTURE")) dup2(out_, STDOUT_FILENO);
    }
    ~HostConsole() {
        fflush(stdout);
        dup2(saved_in_, STDIN_FILENO);
        dup2(saved_out_, STDOUT_FILENO);
        // gtest's failure messages went to the captured stdout: show them.
        if (::testing::Test::HasFailure()) fprintf(stderr, "%s\n", screen().c_str());
        close(saved_in_);
        close(saved_out_);
        if (in_ >= 0) close(in_);
        close(out_);
    }
    void type(std::string_view s) { EXPECT_EQ(write(in_, s.data(), s.size()), ssize_t(s.size())); }
    void close_input() {
        close(in_);
        in_ = -1;
    }
    std::string screen() {
        std::string s(65536, '\0');
        ssize_t n = pread(out_, s.data(), s.size(), 0);
        s.resize(n > 0 ? size_t(n) : 0);
        return s;
    }

private:
    int in_ = -1, out_ = -1, saved_in_ = -1, saved_out_ = -1;
};

ostd::host::MachineConfig console_machine() {
    auto c = kernel_machine(2);
    c.console_input = true;
    return c;
}

struct Termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line, cc[19];
};

int wait_status(ScriptedUser& u, int64_t pid, int options) {
    uint64_t st = u.stack_alloc(8);
    int64_t r = u.syscall(SYS_wait4, pid, st, options, 0);
    if (pid > 0)
        EXPECT_EQ(r, pid);
    else
        EXPECT_GT(r, 0);
    return int(u.read_u64(st) & 0xffffffff);
}

int64_t tty_ioctl_int(ScriptedUser& u, uint32_t cmd, int32_t* out) {
    uint64_t p = u.stack_alloc(4);
    int64_t r = u.syscall(SYS_ioctl, 0, cmd, p);
    uint32_t v;
    u.read(p, &v, 4);
    *out = int32_t(v);
    return r;
}

int64_t set_pgrp(ScriptedUser& u, int32_t pgrp) {
    return u.syscall(SYS_ioctl, 0, TIOCSPGRP, u.push(&pgrp, 4));
}

void block(ScriptedUser& u, int sig, int how = SIG_BLOCK) {
    uint64_t set = uint64_t{1} << (sig - 1);
    EXPECT_EQ(u.syscall(SYS_rt_sigprocmask, how, u.push(&set, 8), 0, 8), 0);
}

TEST(Tty, CanonicalReadsEchoAndIoctlErrors) {
    HostConsole con;
    int status = run_program("tty-basic", [&con](ScriptedUser& u) {
        uint64_t tp = u.stack_alloc(sizeof(Termios));
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCGETS, tp), 0);
        Termios tm;
        u.read(tp, &tm, sizeof tm);
        EXPECT_TRUE(tm.lflag & ICANON);
        EXPECT_FALSE(tm.lflag & ECHO);   // The host input is a pipe, not a terminal.
        EXPECT_FALSE(tm.oflag & OPOST);  // The host output is a file.
        EXPECT_EQ(tm.cc[VINTR], 3);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCGETS, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETS, kBadPtr), -EFAULT);
        tm.lflag |= ECHO | ECHOE;
        tm.oflag |= OPOST | ONLCR;
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETS, u.push(&tm, sizeof tm)), 0);

        con.type("hel\x7flo\n");
        uint64_t buf = u.stack_alloc(256);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), 5);
        EXPECT_EQ(u.read_string(buf, 5).substr(0, 5), "helo\n");

        // FIONREAD counts complete lines only.
        con.type("abc\npartial");
        uint64_t pfd = u.stack_alloc(8);
        struct {
            int32_t fd;
            int16_t events, revents;
        } pollfd{0, POLLIN, 0};
        u.write(pfd, &pollfd, 8);
        EXPECT_EQ(u.syscall(SYS_poll, pfd, 1, 5000), 1);
        int32_t n = -1;
        EXPECT_EQ(tty_ioctl_int(u, FIONREAD, &n), 0);
        EXPECT_EQ(n, 4);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 2), 2);  // Part of a line...
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), 2);  // ...then the rest of it.
        EXPECT_EQ(u.read_string(buf, 2).substr(0, 2), "c\n");
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCFLSH, TCIFLUSH), 0);  // Drops "partial".
        con.type("\n");
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), 1);

        // Non-blocking and VMIN=0/VTIME: timeouts instead of waits.
        int fl = int(u.syscall(SYS_fcntl, 0, F_GETFL));
        EXPECT_EQ(u.syscall(SYS_fcntl, 0, F_SETFL, fl | O_NONBLOCK), 0);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), -EAGAIN);
        EXPECT_EQ(u.syscall(SYS_fcntl, 0, F_SETFL, fl), 0);
        Termios raw = tm;
        raw.lflag &= ~(ICANON | ECHO);
        raw.cc[VMIN] = 0;
        raw.cc[VTIME] = 1;  // 100 ms
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETSF, u.push(&raw, sizeof raw)), 0);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), 0);
        con.type("xyz");
        raw.cc[VMIN] = 3;
        raw.cc[VTIME] = 0;
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETS, u.push(&raw, sizeof raw)), 0);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 256), 3);
        EXPECT_EQ(u.read_string(buf, 3).substr(0, 3), "xyz");
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETS, u.push(&tm, sizeof tm)), 0);

        // Window size: set, get, bad pointers.
        uint16_t ws[4] = {24, 80, 0, 0};
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSWINSZ, u.push(ws, 8)), 0);
        uint64_t wp = u.stack_alloc(8);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCGWINSZ, wp), 0);
        uint16_t got[4];
        u.read(wp, got, 8);
        EXPECT_EQ(got[0], 24);
        EXPECT_EQ(got[1], 80);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCGWINSZ, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSWINSZ, kBadPtr), -EFAULT);

        // No controlling terminal yet: /dev/console never becomes one on open.
        int32_t v;
        EXPECT_EQ(tty_ioctl_int(u, TIOCGPGRP, &v), -ENOTTY);
        EXPECT_EQ(tty_ioctl_int(u, TIOCGSID, &v), -ENOTTY);
        EXPECT_EQ(set_pgrp(u, 1), -ENOTTY);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCNOTTY, 0), -ENOTTY);
        EXPECT_EQ(u.syscall(SYS_openat, AT_FDCWD, u.push_string("/dev/tty"), O_RDWR), -ENXIO);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), 0);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), 0);  // Already ours.
        EXPECT_EQ(tty_ioctl_int(u, TIOCGPGRP, &v), 0);
        EXPECT_EQ(v, 1);
        EXPECT_EQ(tty_ioctl_int(u, TIOCGSID, &v), 0);
        EXPECT_EQ(v, 1);
        int64_t fd = u.syscall(SYS_openat, AT_FDCWD, u.push_string("/dev/tty"), O_RDWR);
        EXPECT_GE(fd, 3);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCGPGRP, kBadPtr), -EFAULT);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSPGRP, kBadPtr), -EFAULT);
        EXPECT_EQ(set_pgrp(u, -1), -EINVAL);
        EXPECT_EQ(set_pgrp(u, 999), -ESRCH);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCFLSH, 7), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCXONC, 9), -EINVAL);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCXONC, TCOON), 0);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, 0x5499, 0), -ENOTTY);

        const char msg[] = "out\n";
        EXPECT_EQ(u.syscall(SYS_write, fd, u.push(msg, 4), 4), 4);
        return 0;
    }, console_machine(), "console=tty");
    EXPECT_EQ(status, 0);
    std::string screen = con.screen();
    EXPECT_NE(screen.find("hel\b \blo\r\n"), std::string::npos) << screen;
    EXPECT_NE(screen.find("out\r\n"), std::string::npos) << screen;
}

TEST(Tty, JobControlSignals) {
    HostConsole con;
    int status = run_program("tty-jobs", [&con](ScriptedUser& u) {
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), 0);
        // A background group reading gets SIGTTIN (and stops).
        int64_t a = u.fork([](ScriptedUser& c) {
            c.syscall(SYS_setpgid, 0, 0);
            uint64_t b = c.stack_alloc(16);
            c.syscall(SYS_read, 0, b, 16);
            return 9;
        });
        EXPECT_EQ(u.syscall(SYS_setpgid, a, a), 0);
        int st = wait_status(u, a, WUNTRACED);
        EXPECT_TRUE(WIFSTOPPED(st));
        EXPECT_EQ(WSTOPSIG(st), SIGTTIN);
        EXPECT_EQ(u.syscall(SYS_kill, a, SIGKILL), 0);
        EXPECT_EQ(WTERMSIG(wait_status(u, a, 0)), SIGKILL);

        // ^C and ^Z go to the foreground group.
        int64_t b = u.fork([](ScriptedUser& c) {
            c.syscall(SYS_setpgid, 0, 0);
            for (;;) c.syscall(SYS_pause);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_setpgid, b, b), 0);
        EXPECT_EQ(set_pgrp(u, int32_t(b)), 0);
        int32_t fg;
        EXPECT_EQ(tty_ioctl_int(u, TIOCGPGRP, &fg), 0);
        EXPECT_EQ(fg, b);
        con.type("\x1a");
        st = wait_status(u, b, WUNTRACED);
        EXPECT_TRUE(WIFSTOPPED(st));
        EXPECT_EQ(WSTOPSIG(st), SIGTSTP);
        EXPECT_EQ(u.syscall(SYS_kill, b, SIGCONT), 0);
        con.type("\x03");
        st = wait_status(u, b, 0);
        EXPECT_TRUE(WIFSIGNALED(st));
        EXPECT_EQ(WTERMSIG(st), SIGINT);

        // Init is in the background now: taking the terminal back needs SIGTTOU blocked (as
        // shells do); writes pass while TOSTOP is off.
        block(u, SIGTTOU);
        EXPECT_EQ(set_pgrp(u, 1), 0);

        // TOSTOP: a background writer gets SIGTTOU.
        Termios tm;
        uint64_t tp = u.stack_alloc(sizeof tm);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCGETS, tp), 0);
        u.read(tp, &tm, sizeof tm);
        tm.lflag |= TOSTOP;
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCSETS, u.push(&tm, sizeof tm)), 0);
        int64_t c = u.fork([](ScriptedUser& k) {
            k.syscall(SYS_setpgid, 0, 0);
            block(k, SIGTTOU, SIG_UNBLOCK);  // Inherited blocked: the write would pass.
            k.syscall(SYS_write, 1, k.push_string("bg"), 2);
            return 0;
        });
        EXPECT_EQ(u.syscall(SYS_setpgid, c, c), 0);
        st = wait_status(u, c, WUNTRACED);
        EXPECT_TRUE(WIFSTOPPED(st));
        EXPECT_EQ(WSTOPSIG(st), SIGTTOU);
        EXPECT_EQ(u.syscall(SYS_kill, c, SIGKILL), 0);
        (void)wait_status(u, c, 0);

        // A group of another session cannot become the foreground.
        int64_t d = u.fork([](ScriptedUser& k) {
            k.syscall(SYS_setsid);
            // Not this session's terminal; the tty already has a session.
            EXPECT_EQ(k.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), -EPERM);
            for (;;) k.syscall(SYS_pause);
            return 0;
        });
        for (int i = 0; i < 1000 && u.syscall(SYS_getsid, d) != d; ++i) u.syscall(SYS_sched_yield);
        EXPECT_EQ(set_pgrp(u, int32_t(d)), -EPERM);
        EXPECT_EQ(u.syscall(SYS_kill, d, SIGKILL), 0);
        (void)wait_status(u, d, 0);

        // SIGWINCH to the foreground group on a size change only.
        block(u, SIGWINCH);
        uint16_t ws[4] = {30, 100, 0, 0};
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSWINSZ, u.push(ws, 8)), 0);
        uint64_t set = uint64_t{1} << (SIGWINCH - 1);
        uint64_t zero[2] = {0, 0};
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, u.push(&set, 8), 0, u.push(zero, 16), 8),
                  SIGWINCH);
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSWINSZ, u.push(ws, 8)), 0);
        EXPECT_EQ(u.syscall(SYS_rt_sigtimedwait, u.push(&set, 8), 0, u.push(zero, 16), 8),
                  -EAGAIN);
        return 0;
    }, console_machine(), "console=tty");
    EXPECT_EQ(status, 0);
}

TEST(Tty, SessionLeaderExitHangsUpAndInputEndReadsEof) {
    HostConsole con;
    int status = run_program("tty-hup", [&con](ScriptedUser& u) {
        int64_t leader = u.fork([](ScriptedUser& k) {
            EXPECT_EQ(k.syscall(SYS_setsid), k.syscall(SYS_getpid));
            int64_t fd = k.syscall(SYS_openat, AT_FDCWD, k.push_string("/dev/ttyS0"), O_RDWR);
            EXPECT_GE(fd, 0);  // A session leader's open makes it the controlling terminal.
            uint64_t sid = k.stack_alloc(4);
            EXPECT_EQ(k.syscall(SYS_ioctl, fd, TIOCGSID, sid), 0);
            int64_t member = k.fork([](ScriptedUser& m) {
                for (;;) m.syscall(SYS_pause);
                return 0;
            });
            EXPECT_GT(member, 0);
            return 0;  // Exit: the foreground group (member) gets SIGHUP.
        });
        EXPECT_EQ(wait_status(u, leader, 0), 0);
        // The orphaned member is reparented to init and dies of SIGHUP.
        int st = wait_status(u, -1, 0);
        EXPECT_TRUE(WIFSIGNALED(st));
        EXPECT_EQ(WTERMSIG(st), SIGHUP);
        // With no session the terminal is free again: TIOCSCTTY works for init.
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), 0);
        // The end of host input: pending data first, then end of file.
        con.type("last\n");
        con.close_input();
        uint64_t buf = u.stack_alloc(64);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 64), 5);
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 64), 0);
        return 0;
    }, console_machine(), "console=tty");
    EXPECT_EQ(status, 0);
}

TEST(Tty, PipeConsoleIsAPlainByteStream) {
    HostConsole con;
    int status = run_program("tty-pipe", [&con](ScriptedUser& u) {
        uint64_t tp = u.stack_alloc(sizeof(Termios));
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TCGETS, tp), -ENOTTY);  // isatty(0) is false.
        EXPECT_EQ(u.syscall(SYS_ioctl, 0, TIOCSCTTY, 0), -ENOTTY);
        EXPECT_EQ(u.syscall(SYS_openat, AT_FDCWD, u.push_string("/dev/tty"), O_RDWR), -ENXIO);
        con.type("a\x7f\x03" "b\r\n");  // No editing, no signals, no mapping.
        uint64_t buf = u.stack_alloc(64);
        int64_t got = 0;
        while (got < 6) {
            int64_t n = u.syscall(SYS_read, 0, buf + got, 64 - got);
            EXPECT_GT(n, 0);
            if (n <= 0) break;
            got += n;
        }
        EXPECT_EQ(u.read_string(buf, 6).substr(0, 6), std::string("a\x7f\x03" "b\r\n", 6));
        int32_t n = -1;
        EXPECT_EQ(tty_ioctl_int(u, FIONREAD, &n), 0);
        EXPECT_EQ(n, 0);
        const char msg[] = "raw\n";
        EXPECT_EQ(u.syscall(SYS_write, 1, u.push(msg, 4), 4), 4);
        con.close_input();
        EXPECT_EQ(u.syscall(SYS_read, 0, buf, 64), 0);
        return 0;
    }, console_machine(), getenv("TTY_TEST_NOCAPTURE") ? "trace=1" : "");
    EXPECT_EQ(status, 0);
    EXPECT_NE(con.screen().find("raw\n"), std::string::npos);
    EXPECT_EQ(con.screen().find("raw\r\n"), std::string::npos);
}

}  // namespace
