// Spins forever without a system call: only timer preemption lets anything else run.
int main(void) {
    volatile unsigned long n = 0;
    for (;;) n++;
}
