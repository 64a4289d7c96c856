// Guest-side timings for `make bench`, run identically on Orrery and on the host Linux kernel:
// getpid round trip, a busybox sh arithmetic loop, and fork+exec+wait of /bin/true.  Prints
// "name nanoseconds" lines (medians of several rounds, wall clock).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static long long median(long long *v, int n) {
    qsort(v, (size_t)n, sizeof(*v), cmp_ll);
    return v[n / 2];
}

static int run(char *const argv[]) {
    pid_t pid = fork();
    if (pid == 0) {
        char *const envp[] = {"PATH=/bin:/usr/bin", NULL};
        execve(argv[0], argv, envp);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

enum { kRounds = 5 };

int main(void) {
    long long t[kRounds];
    for (int r = 0; r < kRounds; r++) {
        const int n = 20000;
        long long s = now_ns();
        for (int i = 0; i < n; i++) syscall(SYS_getpid);
        t[r] = (now_ns() - s) / n;
    }
    printf("getpid %lld\n", median(t, kRounds));

    char *loop[] = {"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done", NULL};
    for (int r = 0; r < kRounds; r++) {
        long long s = now_ns();
        if (run(loop) != 0) return 1;
        t[r] = now_ns() - s;
    }
    printf("sh_loop_2000 %lld\n", median(t, kRounds));

    char *truth[] = {"/bin/true", NULL};
    for (int r = 0; r < kRounds; r++) {
        const int n = 50;
        long long s = now_ns();
        for (int i = 0; i < n; i++)
            if (run(truth) != 0) return 1;
        t[r] = (now_ns() - s) / n;
    }
    printf("fork_exec_wait_true %lld\n", median(t, kRounds));
    return 0;
}
