#!/usr/bin/env bash
# Native multi-process and multi-threaded workloads on several vCPUs: busybox pipelines and
# background jobs, and a static glibc pthread program (built here with the host's cc) whose
# threads share counters under a mutex, wait on a condition variable and keep their own SSE
# registers across syscalls and migrations.
#   tests/native_smp.sh ORRERY_BINARY SOURCE_DIR
set -u
orrery=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin"
cat > "$work/threads.c" <<'EOF'
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
EOF
if ! cc -O2 -static -pthread -o "$work/root/bin/threads" "$work/threads.c" 2>"$work/cc.log"; then
  echo "SKIP: no static glibc toolchain ($(head -1 "$work/cc.log"))"
  exit 0
fi
bash "$src/scripts/make-initramfs" "$work/initramfs.cpio" "$work/root" >/dev/null || exit 1

fail=0
check() {  # check NAME CPUS EXPECTED SCRIPT
  local name=$1 cpus=$2 want=$3 script=$4 got
  got=$(timeout 300 "$orrery" run --cpus "$cpus" --initramfs "$work/initramfs.cpio" -- \
        /bin/sh -c "$script" 2>&1 </dev/null | grep -v '^\[orrery')
  if [ "$got" != "$want" ]; then
    echo "FAIL $name (--cpus $cpus)"; echo "  want: $(printf %q "$want")"
    echo "  got:  $(printf %q "$got")"
    fail=1
  else
    echo "ok   $name (--cpus $cpus)"
  fi
}
for cpus in 2 4; do
  check pthreads "$cpus" "counter=120000 bad_vectors=0" '/bin/threads'
  check pipelines "$cpus" "5000050000
100" 'seq 1 100000 | awk "{s+=\$1} END {print s}"; seq 1 1000 | sort -r | head -n 100 | wc -l'
  check background_jobs "$cpus" "a=1 b=2 c=3 total=6" '
    (sleep 0.2; echo 1 > /tmp/a) & (echo 2 > /tmp/b) & (seq 1 3 | tail -n 1 > /tmp/c) &
    wait
    a=$(cat /tmp/a); b=$(cat /tmp/b); c=$(cat /tmp/c)
    echo "a=$a b=$b c=$c total=$((a+b+c))"'
  check parallel_pipelines "$cpus" "4" '
    for i in 1 2 3 4; do (seq 1 20000 | sort -n | tail -n 1 > /tmp/p$i) & done; wait
    cat /tmp/p1 /tmp/p2 /tmp/p3 /tmp/p4 | grep -c 20000'
done
exit $fail
