// pthreads with a mutex-protected counter and a condition-variable bounded queue: several
// producers and consumers; the totals prove no update was lost and every item was consumed once.
#include <pthread.h>
#include <stdio.h>

enum { kThreads = 4, kIncrements = 20000, kItems = 500, kSlots = 8 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add(void *arg) {
    (void)arg;
    for (int i = 0; i < kIncrements; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int queue[kSlots], head, count;

static void *produce(void *arg) {
    long base = (long)arg;
    for (int i = 1; i <= kItems; i++) {
        pthread_mutex_lock(&qlock);
        while (count == kSlots) pthread_cond_wait(&not_full, &qlock);
        queue[(head + count++) % kSlots] = (int)base + i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consume(void *arg) {
    long sum = 0;
    for (int i = 0; i < kItems; i++) {
        pthread_mutex_lock(&qlock);
        while (count == 0) pthread_cond_wait(&not_empty, &qlock);
        sum += queue[head];
        head = (head + 1) % kSlots;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
    }
    *(long *)arg = sum;
    return NULL;
}

int main(void) {
    pthread_t t[kThreads];
    for (int i = 0; i < kThreads; i++)
        if (pthread_create(&t[i], NULL, add, NULL) != 0) return 2;
    for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
    printf("counter %ld (want %d)\n", counter, kThreads * kIncrements);

    pthread_t p[2], c[2];
    long sums[2] = {0, 0};
    pthread_create(&p[0], NULL, produce, (void *)0L);
    pthread_create(&p[1], NULL, produce, (void *)1000L);
    pthread_create(&c[0], NULL, consume, &sums[0]);
    pthread_create(&c[1], NULL, consume, &sums[1]);
    for (int i = 0; i < 2; i++) pthread_join(p[i], NULL);
    for (int i = 0; i < 2; i++) pthread_join(c[i], NULL);
    long want = 2L * kItems * (kItems + 1) / 2 + 1000L * kItems;
    printf("consumed %ld (want %ld), left %d\n", sums[0] + sums[1], want, count);
    return counter == kThreads * kIncrements && sums[0] + sums[1] == want ? 0 : 1;
}
