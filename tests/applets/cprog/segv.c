// Dereferences an invalid pointer: the kernel must deliver SIGSEGV (the shell reports it and
// sees status 139) and carry on.
#include <stdint.h>
#include <stdio.h>

volatile uintptr_t bad_address = 16;  // not a constant, so the compiler cannot see the fault

int main(void) {
    printf("about to fault\n");
    fflush(stdout);
    volatile int *bad = (volatile int *)bad_address;
    *bad = 1;
    printf("not reached\n");
    return 0;
}
