// A SIGALRM handler zeroes xmm7 while the main loop holds a value there across a busy loop the
// timer interrupts: the value must survive (the kernel saves the FPU state in the signal frame
// and rt_sigreturn restores it).
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

static volatile int handled;

static void on_alarm(int sig) {
    (void)sig;
    __asm__ volatile("pxor %%xmm7, %%xmm7" ::: "xmm7");
    handled++;
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 2000}, {0, 2000}};
    setitimer(ITIMER_REAL, &it, NULL);
    int bad = 0;
    for (uint64_t i = 1; handled < 20 && i < 2000000; i++) {
        uint64_t val = i * 0x9e3779b97f4a7c15ull, out;
        __asm__ volatile(
            "movq %1, %%xmm7\n\t"
            "mov $200000, %%ecx\n"
            "1:\n\t"
            "dec %%ecx\n\t"
            "jnz 1b\n\t"
            "movq %%xmm7, %0"
            : "=r"(out)
            : "r"(val)
            : "xmm7", "rcx");
        if (out != val) bad++;
    }
    printf("handled=%s bad=%d\n", handled >= 20 ? "enough" : "few", bad);
    return bad != 0;
}
