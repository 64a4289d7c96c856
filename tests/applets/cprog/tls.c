// Thread-local storage: initialised (.tdata) and zeroed (.tbss) __thread variables are private
// to each of several threads, and the main thread's copies are untouched by them.
#include <pthread.h>
#include <stdio.h>

enum { kThreads = 5 };
static __thread int tdata = 42;
static __thread long tbss[16];
static int seen_initial[kThreads];
static long results[kThreads];

static void *work(void *arg) {
    long id = (long)arg;
    seen_initial[id] = tdata == 42 && tbss[15] == 0;
    tdata = (int)id * 100;
    for (int i = 0; i < 16; i++) tbss[i] = id;
    for (int round = 0; round < 1000; round++) {
        tdata++;
        if (round % 100 == 0) sched_yield();
    }
    long sum = 0;
    for (int i = 0; i < 16; i++) sum += tbss[i];
    results[id] = tdata + sum;
    return NULL;
}

int main(void) {
    tdata = 7;
    pthread_t t[kThreads];
    for (long i = 0; i < kThreads; i++) pthread_create(&t[i], NULL, work, (void *)i);
    for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
    int ok = 1;
    for (int i = 0; i < kThreads; i++) {
        printf("thread %d: initial %s, result %ld\n", i, seen_initial[i] ? "ok" : "BAD",
               results[i]);
        ok &= seen_initial[i] && results[i] == i * 100 + 1000 + 16 * i;
    }
    printf("main: tdata %d, tbss[0] %ld\n", tdata, tbss[0]);
    return ok && tdata == 7 && tbss[0] == 0 ? 0 : 1;
}
