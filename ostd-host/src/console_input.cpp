// Host console input: a host thread reads this process's stdin into a buffer and signals the
// machine (the device raising its IRQ line); an interactive stdin is put in raw mode for the
// run and restored on every exit path; SIGWINCH on the host becomes a window-size event.
#include "console_input.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "hal/console.h"

#if defined(ORRERY_ASAN) || defined(ORRERY_TSAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ostd {
namespace {

constexpr size_t kRingSize = 64 * 1024;

struct ConsoleInput {
    std::mutex mu;
    char ring[kRingSize];
    size_t head = 0, count = 0;
    bool eof = false;
    std::thread thread;
    void (*on_event)() = nullptr;
};

ConsoleInput g_in;
std::atomic<bool> g_enabled{false};
std::atomic<bool> g_running{false};
std::atomic<bool> g_stop{false};
int g_wake[2] = {-1, -1};  // Self-pipe: SIGWINCH and stop wake the input thread.

// Raw mode bookkeeping; read by signal handlers, so plain values set before they are armed.
struct termios g_saved_termios;
std::atomic<bool> g_raw{false};
std::atomic<bool> g_handlers_installed{false};

void restore_terminal_now() {
    // Async-signal-safe: tcsetattr is an ioctl.
    if (g_raw.exchange(false)) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
}

void on_fatal_signal(int sig) {
    restore_terminal_now();
    signal(sig, SIG_DFL);
    raise(sig);
}

void on_winch(int) {
    int saved = errno;
    char c = 'w';
    if (g_wake[1] >= 0) (void)!write(g_wake[1], &c, 1);
    errno = saved;
}

void install_handlers_once() {
    if (g_handlers_installed.exchange(true)) return;
    std::atexit(restore_terminal_now);
#if defined(ORRERY_ASAN) || defined(ORRERY_TSAN)
    __sanitizer_set_death_callback(restore_terminal_now);
#endif
    for (int sig : {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGABRT}) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
        struct sigaction sa {};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, nullptr);
    }
    struct sigaction sa {};
    sa.sa_handler = on_winch;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, nullptr);
}

void enter_raw_mode() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return;
    struct termios raw = g_saved_termios;
    // Input bytes reach the kernel's line discipline untouched; output post-processing stays
    // on so the kernel log (plain '\n') still starts each line at column 0.
    raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag = (raw.c_cflag & ~(CSIZE | PARENB)) | CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    g_raw.store(true);
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) g_raw.store(false);
}

void notify() {
    if (g_in.on_event) g_in.on_event();
}

void input_thread_main() {
    bool stdin_open = true;
    while (!g_stop.load()) {
        size_t space;
        {
            std::lock_guard<std::mutex> lk(g_in.mu);
            space = kRingSize - g_in.count;
        }
        pollfd fds[2] = {{g_wake[0], POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        // With a full buffer, stop reading stdin until the kernel drains it (re-check often).
        nfds_t n = (stdin_open && space > 0) ? 2 : 1;
        int r = poll(fds, n, space > 0 ? -1 : 10);
        if (r < 0 && errno != EINTR) break;
        if (r <= 0) continue;
        bool event = false;
        if (fds[0].revents & POLLIN) {
            char buf[64];
            ssize_t got = read(g_wake[0], buf, sizeof buf);
            for (ssize_t i = 0; i < got; ++i) event |= buf[i] == 'w';
        }
        if (n == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[4096];
            size_t want = space < sizeof buf ? space : sizeof buf;
            ssize_t got = read(STDIN_FILENO, buf, want);
            if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            std::lock_guard<std::mutex> lk(g_in.mu);
            if (got <= 0) {
                stdin_open = false;
                g_in.eof = true;
            }
            for (ssize_t i = 0; i < got; ++i)
                g_in.ring[(g_in.head + g_in.count++) % kRingSize] = buf[i];
            event = true;
        }
        if (event) notify();
    }
}

}  // namespace

namespace host {

void console_input_configure(bool enabled) { g_enabled.store(enabled); }

void console_input_stop() {
    if (g_running.exchange(false)) {
        g_stop.store(true);
        char c = 'q';
        (void)!write(g_wake[1], &c, 1);
        g_in.thread.join();
        restore_terminal_now();
        signal(SIGWINCH, SIG_DFL);
        g_handlers_installed.store(false);
        close(g_wake[0]);
        close(g_wake[1]);
        g_wake[0] = g_wake[1] = -1;
    }
    std::lock_guard<std::mutex> lk(g_in.mu);
    g_in.head = g_in.count = 0;
    g_in.eof = false;
    g_in.on_event = nullptr;
    g_enabled.store(false);
}

void console_restore_terminal() { restore_terminal_now(); }

}  // namespace host

namespace hal {

bool console_input_start(void (*on_event)()) {
    if (!g_enabled.load() || g_running.load()) return false;
    if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    g_in.on_event = on_event;
    g_stop.store(false);
    install_handlers_once();
    enter_raw_mode();
    g_running.store(true);
    g_in.thread = std::thread(input_thread_main);
    return true;
}

size_t console_input_read(char* buf, size_t n) {
    std::lock_guard<std::mutex> lk(g_in.mu);
    size_t done = 0;
    while (done < n && g_in.count > 0) {
        buf[done++] = g_in.ring[g_in.head];
        g_in.head = (g_in.head + 1) % kRingSize;
        --g_in.count;
    }
    return done;
}

bool console_input_closed() {
    std::lock_guard<std::mutex> lk(g_in.mu);
    return g_in.eof && g_in.count == 0;
}

bool console_window_size(uint16_t* rows, uint16_t* cols) {
    struct winsize ws {};
    for (int fd : {STDOUT_FILENO, STDIN_FILENO}) {
        if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
            *rows = ws.ws_row;
            *cols = ws.ws_col;
            return true;
        }
    }
    return false;
}

bool console_is_terminal(bool output) { return isatty(output ? STDOUT_FILENO : STDIN_FILENO); }

}  // namespace hal
}  // namespace ostd
