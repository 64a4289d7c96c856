#!/usr/bin/env bash
# Native multi-process and multi-threaded workloads on several vCPUs: busybox pipelines and
# background jobs, and static glibc programs built here with the host's cc from
# tests/native_programs/: threads.c (mutex, condvar, per-thread SSE values across syscalls and
# migrations) and sigfpu.c (a signal handler's vector registers do not leak into the code it
# interrupted: the FPU state travels in the signal frame).
#   tests/native_smp.sh ORRERY_BINARY SOURCE_DIR
set -u
orrery=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin"
progs=$src/tests/native_programs
if ! cc -O2 -static -pthread -o "$work/root/bin/threads" "$progs/threads.c" 2>"$work/cc.log" ||
   ! cc -O2 -static -o "$work/root/bin/sigfpu" "$progs/sigfpu.c" 2>>"$work/cc.log"; then
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
for cpus in ${ORRERY_SMP_CPUS:-2 4}; do
  check pthreads "$cpus" "counter=120000 bad_vectors=0" '/bin/threads'
  check signal_fpu "$cpus" "handled=enough bad=0" '/bin/sigfpu'
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
