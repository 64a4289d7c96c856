// Host console: the process's stdout, written with write(2) so it works inside signal handlers.
#include <unistd.h>

#include <cerrno>

#include "hal/console.h"

namespace ostd::hal {

namespace {

void write_all(int fd, const char* s, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;  // Nowhere left to report to.
        }
        s += w;
        n -= static_cast<size_t>(w);
    }
}

}  // namespace

void console_write(const char* s, size_t n) { write_all(STDOUT_FILENO, s, n); }
void diag_write(const char* s, size_t n) { write_all(STDERR_FILENO, s, n); }

}  // namespace ostd::hal
