#!/usr/bin/env bash
# orrery mount end to end: boots the kernel with busybox, mounts its VFS through FUSE and
# drives it with real host tools (cp -a / diff -r, tar round trip with checksums, find / stat /
# ls -lR compared with what busybox inside the same machine reports through the kernel's own
# syscalls, concurrent writers, renames, /proc, xattrs, errno values, another uid), then
# unmounts and checks a clean shutdown. Exit 77 (skipped) without /dev/fuse or fusermount3.
#   tests/fuse_mount.sh ORRERY_BINARY SOURCE_DIR
set -u
orrery=$1
src=$2
if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
  echo "SKIP: /dev/fuse or fusermount3 missing (apt-get install fuse3; needs a FUSE-capable host)"
  exit 77
fi
export LC_ALL=C
work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
pid=
cleanup() {
  mountpoint -q "$mnt" && fusermount3 -u -z "$mnt" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${FUSE_TEST_KEEP_LOG:-}" ] && trap 'cp "$work/mount.log" "$FUSE_TEST_KEEP_LOG"; cleanup' EXIT
bash "$src/scripts/make-initramfs" "$work/initramfs.cpio" >/dev/null || exit 1

# Inside the machine: on /tmp/go, busybox lists /data through the kernel's syscalls.
inner='while :; do
  if [ -e /tmp/go ]; then
    cd /data && find . | sort > /tmp/k.find
    find . | sort | xargs stat -c "%n|%s|%a|%u|%g|%h|%i|%Y|%F" > /tmp/k.stat
    ls -lnR . | grep -v "^total" | awk "{print \$1, \$2, \$3, \$4, \$5, \$NF}" > /tmp/k.ls
    cd /; rm /tmp/go; touch /tmp/done
  fi
  usleep 100000
done'
"$orrery" mount "$mnt" -f --cpus 2 --initramfs "$work/initramfs.cpio" -o allow_other \
  -- /bin/sh -c "$inner" 2>"$work/mount.log" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done

fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1${2:+: $2}"; fail=1; }
check() {  # check NAME COMMAND... : the command must succeed
  local name=$1; shift
  if out=$(timeout 120 "$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
expect_err() {  # expect_err NAME MESSAGE COMMAND... : must fail with MESSAGE on stderr
  local name=$1 msg=$2; shift 2
  local out
  if out=$(timeout 60 "$@" 2>&1); then bad "$name" "succeeded"; return; fi
  case "$out" in *"$msg"*) ok "$name";; *) bad "$name" "want '$msg', got: $out";; esac
}

check mounted mountpoint -q "$mnt"
check root_listing test -d "$mnt/bin" -a -d "$mnt/proc" -a -d "$mnt/dev" -a -d "$mnt/tmp"
# The host runs busybox straight from the kernel's tmpfs (read + mmap through the page cache).
[ "$("$mnt/bin/busybox" echo from-the-kernel 2>&1)" = from-the-kernel ] && ok host_exec ||
  bad host_exec
mkdir -p "$mnt/data"

# cp -a in, diff -r against the source, cp -a back out, diff -r again.
check cp_a_in cp -a "$src/kernel" "$mnt/data/src"
check diff_r_in diff -r "$src/kernel" "$mnt/data/src"
check cp_a_out cp -a "$mnt/data/src" "$work/out"
check diff_r_out diff -r "$src/kernel" "$work/out"

# tar c | tar x round trip with checksums.
mkdir -p "$mnt/data/tar"
check tar_in sh -c "tar c -C '$src' ostd harness | tar x -C '$mnt/data/tar'"
sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
if [ "$(sums "$src/ostd")$(sums "$src/harness")" = \
     "$(sums "$mnt/data/tar/ostd")$(sums "$mnt/data/tar/harness")" ]; then ok tar_checksums
else bad tar_checksums; fi
check tar_out sh -c "tar c -C '$mnt/data/tar' . | tar x -C '$work' && diff -r '$src/ostd' '$work/ostd'"

# Four concurrent writers on different files.
for i in 1 2 3 4; do head -c $((3 << 20)) /dev/urandom > "$work/w$i"; done
for i in 1 2 3 4; do dd if="$work/w$i" of="$mnt/data/w$i" bs=64k status=none & done
wait_ok=1
for j in $(jobs -p); do [ "$j" = "$pid" ] && continue; wait "$j" || wait_ok=0; done
for i in 1 2 3 4; do cmp -s "$work/w$i" "$mnt/data/w$i" || wait_ok=0; done
[ $wait_ok = 1 ] && ok concurrent_writers || bad concurrent_writers

# Renames across directories (file, directory, replacing an existing file).
mkdir -p "$mnt/data/ra/sub" "$mnt/data/rb"
echo one > "$mnt/data/ra/f"; echo two > "$mnt/data/rb/g"; echo deep > "$mnt/data/ra/sub/x"
check rename_file mv "$mnt/data/ra/f" "$mnt/data/rb/f2"
check rename_dir mv "$mnt/data/ra/sub" "$mnt/data/rb/sub2"
check rename_replace mv "$mnt/data/rb/f2" "$mnt/data/rb/g"
if [ "$(cat "$mnt/data/rb/g")$(cat "$mnt/data/rb/sub2/x")" = onedeep ] && [ ! -e "$mnt/data/ra/f" ] &&
   [ ! -e "$mnt/data/ra/sub" ] && [ ! -e "$mnt/data/rb/f2" ]; then ok rename_contents
else bad rename_contents; fi
renameat2() {  # renameat2 FROM TO FLAGS -> errno name or OK
  python3 - "$@" <<'PY'
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), int(sys.argv[3]))
print("OK" if r == 0 else errno.errorcode[ctypes.get_errno()])
PY
}
echo a > "$mnt/data/ra/a"; echo b > "$mnt/data/rb/b"
[ "$(renameat2 "$mnt/data/ra/a" "$mnt/data/rb/b" 1)" = EEXIST ] && ok rename_noreplace ||
  bad rename_noreplace
[ "$(renameat2 "$mnt/data/ra/a" "$mnt/data/rb/b" 2)" = OK ] &&
  [ "$(cat "$mnt/data/ra/a")$(cat "$mnt/data/rb/b")" = ba ] && ok rename_exchange ||
  bad rename_exchange

# Attributes, links, special files, xattrs, statfs.
f=$mnt/data/attr
echo hello > "$f"
check chmod chmod 0640 "$f"
check chown chown 1000:1000 "$f"
check truncate truncate -s 3 "$f"
check utimens touch -d "2001-02-03 04:05:06" "$f"
[ "$(stat -c '%a %u %g %s %Y' "$f")" = "640 1000 1000 3 $(date -d '2001-02-03 04:05:06' +%s)" ] &&
  ok setattr_result || bad setattr_result "$(stat -c '%a %u %g %s %Y' "$f")"
check touch_now touch "$f"
[ $(( $(date +%s) - $(stat -c %Y "$f") )) -lt 60 ] && ok utimens_now || bad utimens_now
check symlink ln -s attr "$mnt/data/sym"
[ "$(readlink "$mnt/data/sym")" = attr ] && ok readlink || bad readlink
check hardlink ln "$f" "$mnt/data/hard"
[ "$(stat -c '%h %i' "$f")" = "$(stat -c '%h %i' "$mnt/data/hard")" ] &&
  [ "$(stat -c %h "$f")" = 2 ] && ok link_count || bad link_count
check mkfifo mkfifo "$mnt/data/fifo"
[ "$(stat -c %F "$mnt/data/fifo")" = fifo ] && ok fifo_type || bad fifo_type
check statfs stat -f "$mnt/data"
check fallocate fallocate -l 1M "$mnt/data/falloc"
[ "$(stat -c %s "$mnt/data/falloc")" = 1048576 ] && ok fallocate_size || bad fallocate_size
cfr=$(python3 -c '
import os, sys
a = os.open(sys.argv[1], os.O_RDONLY)
b = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
print(os.copy_file_range(a, b, 1 << 20, 0, 0))' "$mnt/data/w1" "$mnt/data/cfr" 2>&1)
[ "$cfr" = 1048576 ] && cmp -s <(head -c 1048576 "$work/w1") "$mnt/data/cfr" &&
  ok copy_file_range || bad copy_file_range "$cfr"
xa=$(python3 -c '
import os, sys
p = sys.argv[1]
os.setxattr(p, "user.k", b"v1")
v = os.getxattr(p, "user.k")
names = os.listxattr(p)
os.removexattr(p, "user.k")
try:
    os.getxattr(p, "user.k"); left = "still"
except OSError as e:
    left = os.strerror(e.errno)
print(v.decode(), ",".join(names), left)' "$f" 2>&1)
[ "$xa" = "v1 user.k No data available" ] && ok xattrs || bad xattrs "$xa"

# /proc through cat.
grep -q '^MemTotal:' "$mnt/proc/meminfo" && ok proc_meminfo || bad proc_meminfo
grep -q '^Name:' "$mnt/proc/1/status" && ok proc_pid_status || bad proc_pid_status
grep -q ' /proc proc ' "$mnt/proc/mounts" && ok proc_mounts || bad proc_mounts
[ -c "$mnt/dev/null" ] && ok dev_nodes || bad dev_nodes

# Errors reach the host tools unchanged.
expect_err enoent "No such file or directory" cat "$mnt/data/missing"
expect_err eexist "File exists" mkdir "$mnt/data/src"
expect_err enotempty "Directory not empty" rmdir "$mnt/data/src"
expect_err enotdir "Not a directory" ls "$mnt/data/attr/x"
if [ "$(id -u)" = 0 ]; then
  mkdir -m 0700 "$mnt/data/private"; echo s > "$mnt/data/private/secret"
  echo r > "$mnt/data/rootfile"; chmod 0644 "$mnt/data/rootfile"
  as_user=(setpriv --reuid=1000 --regid=1000 --clear-groups)
  expect_err eacces_dir "Permission denied" "${as_user[@]}" ls "$mnt/data/private"
  expect_err eacces_file "Permission denied" "${as_user[@]}" sh -c "echo x > '$mnt/data/rootfile'"
  expect_err eacces_create "Permission denied" "${as_user[@]}" touch "$mnt/data/newfile"
  check other_uid_reads "${as_user[@]}" cat "$mnt/data/rootfile"
else
  echo "skip eacces (not root: setpriv cannot switch uid)"
fi

# find, stat and ls -lR through FUSE agree with busybox inside the machine.
touch "$mnt/tmp/go"
for _ in $(seq 300); do [ -e "$mnt/tmp/done" ] && break; sleep 0.1; done
if [ -e "$mnt/tmp/done" ]; then
  (cd "$mnt/data" && find . | sort) > "$work/h.find"
  (cd "$mnt/data" && find . | sort | xargs stat -c "%n|%s|%a|%u|%g|%h|%i|%Y|%F") > "$work/h.stat"
  (cd "$mnt/data" && ls -lnR . | grep -v '^total' | awk '{print $1, $2, $3, $4, $5, $NF}') \
    > "$work/h.ls"
  for k in find stat ls; do
    if diff "$mnt/tmp/k.$k" "$work/h.$k" > "$work/d.$k"; then ok "agree_$k"
    else bad "agree_$k" "$(head -5 "$work/d.$k")"; fi
  done
else
  bad agree_inside "busybox inside never answered"
fi

# Clean shutdown on fusermount3 -u: the process exits 0 and the mount is gone.
check unmount fusermount3 -u "$mnt"
status=124
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || { wait "$pid"; status=$?; break; }; sleep 0.1; done
pid=
[ "$status" = 0 ] && ok clean_exit || bad clean_exit "status $status: $(tail -3 "$work/mount.log")"
mountpoint -q "$mnt" && bad unmounted || ok unmounted

# A bad mount point fails cleanly.
if "$orrery" mount "$work/no/such/dir" -f >"$work/bad.log" 2>&1; then bad bad_mountpoint "succeeded"
elif grep -q "cannot mount" "$work/bad.log"; then ok bad_mountpoint
else bad bad_mountpoint "$(cat "$work/bad.log")"; fi

if "$orrery" mount "$mnt" -f --deterministic >"$work/det.log" 2>&1; then bad no_deterministic
elif grep -q "deterministic cannot" "$work/det.log"; then ok no_deterministic
else bad no_deterministic "$(cat "$work/det.log")"; fi

# When init exits by itself the mount goes away and init's status is the exit status.
timeout 120 "$orrery" mount "$mnt" -f --initramfs "$work/initramfs.cpio" \
  -- /bin/sh -c 'sleep 1; exit 3' >/dev/null 2>&1
status=$?
[ "$status" = 3 ] && ! mountpoint -q "$mnt" && ok init_exit_unmounts || bad init_exit_unmounts "$status"

# --ro: reads work, every change fails with EROFS; SIGINT unmounts and exits 0.
"$orrery" mount "$mnt" -f --ro --initramfs "$work/initramfs.cpio" 2>"$work/ro.log" &
pid=$!
for _ in $(seq 100); do mountpoint -q "$mnt" && break; sleep 0.1; done
check ro_read test -x "$mnt/bin/busybox"
expect_err ro_mkdir "Read-only file system" mkdir "$mnt/newdir"
expect_err ro_write "Read-only file system" sh -c "echo x > '$mnt/etc/hostname'"
kill -INT "$pid"
status=124
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || { wait "$pid"; status=$?; break; }; sleep 0.1; done
pid=
[ "$status" = 0 ] && ok sigint_exit || bad sigint_exit "status $status: $(tail -3 "$work/ro.log")"
mountpoint -q "$mnt" && bad sigint_unmounted || ok sigint_unmounted
exit $fail
