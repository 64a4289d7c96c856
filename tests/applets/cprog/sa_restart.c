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

static void run(int flags, const char *label) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    handled = 0;
    int p[2];
    if (pipe(p) != 0) return;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        usleep(200 * 1000);
        kill(parent, SIGUSR1);
        usleep(200 * 1000);
        write(p[1], "data", 4);
        _exit(0);
    }
    close(p[1]);
    char buf[16] = {0};
    ssize_t n = read(p[0], buf, sizeof(buf) - 1);
    int err = errno;
    if (n < 0) {
        printf("%s: read failed: %s, handler ran %d time(s)\n", label, strerror(err), handled);
        n = read(p[0], buf, sizeof(buf) - 1);  // the data still arrives
    } else {
        printf("%s: read returned %zd '%s', handler ran %d time(s)\n", label, n, buf, handled);
    }
    int st;
    waitpid(child, &st, 0);
    close(p[0]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    run(SA_RESTART, "SA_RESTART");
    run(0, "no SA_RESTART");
    return 0;
}
