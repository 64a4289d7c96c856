#!/usr/bin/env bash
# FUSE throughput of `orrery mount` against the host's tmpfs (/dev/shm) in the same run:
# sequential write and read of a 64 MiB file (1 MiB requests) and creates/s of small files.
# Prints a table; best of 3 runs for each figure. Skips without /dev/fuse or fusermount3.
#   bench/fuse_bench.sh ORRERY_BINARY [CPUS]
set -u
orrery=${1:?usage: fuse_bench.sh ORRERY_BINARY [CPUS]}
cpus=${2:-1}
if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
  echo "fuse_bench: skipped (no /dev/fuse or fusermount3)"; exit 0
fi
work=$(mktemp -d)
host=$(mktemp -d /dev/shm/orrery-bench.XXXXXX)
mnt=$work/mnt
mkdir -p "$mnt"
pid=
cleanup() {
  mountpoint -q "$mnt" && fusermount3 -u "$mnt"
  [ -n "$pid" ] && wait "$pid" 2>/dev/null
  rm -rf "$work" "$host"
}
trap cleanup EXIT
"$orrery" mount "$mnt" -f --cpus "$cpus" --mem 512M 2>"$work/log" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
mountpoint -q "$mnt" || { echo "fuse_bench: mount failed: $(cat "$work/log")"; exit 1; }
ls "$mnt" >/dev/null

python3 - "$mnt/tmp" "$host" <<'PY'
import os, sys, time
MiB = 1 << 20
SIZE, CHUNK, FILES = 64 * MiB, MiB, 2000
block = os.urandom(CHUNK)

def write_file(d):
    p = os.path.join(d, "big")
    t = time.perf_counter()
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for _ in range(SIZE // CHUNK):
        os.write(fd, block)
    os.fsync(fd)
    os.close(fd)
    return SIZE / MiB / (time.perf_counter() - t)

def read_file(d):
    p = os.path.join(d, "big")
    t = time.perf_counter()
    fd = os.open(p, os.O_RDONLY)
    n = 0
    while True:
        b = os.read(fd, CHUNK)
        if not b:
            break
        n += len(b)
    os.close(fd)
    assert n == SIZE, n
    return SIZE / MiB / (time.perf_counter() - t)

def creates(d):
    sub = os.path.join(d, "small%d" % time.monotonic_ns())
    os.mkdir(sub)
    t = time.perf_counter()
    for i in range(FILES):
        fd = os.open(os.path.join(sub, "f%d" % i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"x" * 100)
        os.close(fd)
    return FILES / (time.perf_counter() - t)

rows = [("seq write 64 MiB", "MB/s", write_file), ("seq read 64 MiB", "MB/s", read_file),
        ("create 100 B files", "files/s", creates)]
mount, host = sys.argv[1], sys.argv[2]
print("| benchmark | orrery mount | host tmpfs | ratio |")
print("|---|---|---|---|")
for name, unit, fn in rows:
    m = max(fn(mount) for _ in range(3))
    h = max(fn(host) for _ in range(3))
    print("| %s | %.0f %s | %.0f %s | %.3f |" % (name, m, unit, h, unit, m / h))
PY
