#!/usr/bin/env bash
# `make bench`, second table: native programs on Orrery against the host Linux kernel, same
# binaries (bench/guest/bench_guest.c built static, Debian's busybox), timed inside the guest.
# Also pairs the native getpid round trip with the raw SIGSYS trap cost from orrery_bench.
#   bench/native_programs.sh ORRERY_BINARY ORRERY_BENCH_BINARY
set -eu
orrery=$1 bench=$2
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/extra/bench" "$work/root"
gcc -O2 -static -o "$work/extra/bench/bench_guest" "$src/bench/guest/bench_guest.c"
bash "$src/scripts/make-initramfs" "$work/initramfs.cpio" "$work/extra" >/dev/null
(cd "$work/root" && cpio -idm --quiet < "$work/initramfs.cpio")

"$orrery" run --initramfs "$work/initramfs.cpio" -- /bench/bench_guest > "$work/orrery.txt" \
  2>/dev/null
if [ "$(id -u)" = 0 ]; then
  bash "$src/tests/applets/host-run" "$work/root" /bench/bench_guest > "$work/host.txt"
  host_label="host Linux (same binaries, chroot)"
else
  (cd "$work/root" && PATH=/bin ./bench/bench_guest) > "$work/host.txt"  # host's /bin/sh, /bin/true
  host_label="host Linux (host's /bin/sh and /bin/true: not root)"
fi
"$bench" --benchmark_filter='BM_HostSigsysTrapRaw|BM_NativeGetpid' --benchmark_format=csv \
  2>/dev/null | grep -E '^"?BM_' > "$work/sigsys.csv" || true

val() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
csv_ns() { awk -F, -v k="$1" '$1 ~ k {print int($4); exit}' "$work/sigsys.csv"; }  # cpu_time
printf '\nNative programs: Orrery vs %s (wall clock, medians of 5 rounds)\n' "$host_label"
printf '%-34s %14s %14s %8s\n' benchmark orrery host ratio
for k in getpid sh_loop_2000 fork_exec_wait_true; do
  o=$(val $k "$work/orrery.txt") h=$(val $k "$work/host.txt")
  [ -n "$o" ] && [ -n "$h" ] || { echo "$k: missing result" >&2; continue; }
  printf '%-34s %12s ns %12s ns %7.2fx\n' "$k" "$o" "$h" "$(echo "$o / $h" | bc -l)"
done
raw=$(csv_ns BM_HostSigsysTrapRaw)
for mode in Seccomp UserDispatch; do
  n=$(csv_ns "BM_NativeGetpid$mode")
  [ -n "$raw" ] && [ -n "$n" ] || continue
  printf '%-34s %12s ns %12s ns %7.2fx  (vs raw SIGSYS trap; target <= 1.3x)\n' \
    "native getpid ($mode)" "$n" "$raw" "$(echo "$n / $raw" | bc -l)"
done
