// Threads under load on several vCPUs: a mutex-protected counter, a condition variable, and
// per-thread SSE values that must survive syscalls and migrations.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <emmintrin.h>

enum { kThreads = 6, kRounds = 20000 };
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter, done;
static int bad_vectors;

static void *worker(void *arg) {
    long id = (long)arg;
    /* A per-thread value in an SSE register, checked after syscalls (sched_yield). */
    volatile __m128i v = _mm_set1_epi64x(id * 0x0101010101010101LL);
    for (int i = 0; i < kRounds; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
        if (i % 1000 == 0) {
            sched_yield();
            long long out[2];
            _mm_storeu_si128((__m128i *)out, v);
            if (out[0] != id * 0x0101010101010101LL) __atomic_add_fetch(&bad_vectors, 1, 0);
        }
    }
    pthread_mutex_lock(&mu);
    done++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(void) {
    pthread_t t[kThreads];
    for (long i = 0; i < kThreads; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    pthread_mutex_lock(&mu);
    while (done < kThreads) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
    printf("counter=%ld bad_vectors=%d\n", counter, bad_vectors);
    return counter == (long)kThreads * kRounds && bad_vectors == 0 ? 0 : 1;
}
