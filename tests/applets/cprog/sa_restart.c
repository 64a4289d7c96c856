// Signal handlers and SA_RESTART: a read() blocked on a pipe is interrupted by a handled
// signal; with SA_RESTART it restarts and returns the data written later, without it fails
// with EINTR.  A child process sends the signal, then writes.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
    if (sig == SIGUSR1) handled++;
}

// Returns 1 when read() failed (EINTR expected without SA_RESTART), 0 when it returned data.
static int run(int flags, const char *label, int delay_ms, int quiet_if_data) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    handled = 0;
    int p[2];
    if (pipe(p) != 0) return 1;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        usleep((useconds_t)delay_ms * 1000);  // Long enough for the parent to block in read().
        kill(parent, SIGUSR1);
        usleep((useconds_t)delay_ms * 1000);
        write(p[1], "data", 4);
        _exit(0);
    }
    close(p[1]);
    char buf[16] = {0};
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    int err = errno;
    int failed = n < 0;
    if (failed) {
        printf("%s: read failed: %s, handler ran %d time(s)\n", label, strerror(err), handled);
        n = read(p[0], buf, sizeof(buf) - 1);  // the data still arrives
    } else if (!quiet_if_data) {
        printf("%s: read returned %zd '%s', handler ran %d time(s)\n", label, n, buf, handled);
    }
    int st;
    waitpid(child, &st, 0);
    close(p[0]);
    return failed;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    run(SA_RESTART, "SA_RESTART", 200, 0);
    // Without SA_RESTART the read must fail with EINTR. If the machine was so loaded that the
    // signal came before the parent blocked in read(), try again with a longer delay.
    for (int attempt = 1; attempt <= 4; attempt++)
        if (run(0, "no SA_RESTART", 200 * attempt, attempt < 4)) break;
    return 0;
}
