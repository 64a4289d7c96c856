#!/usr/bin/env bash
# Boots Debian's static busybox on Orrery (native user engine) and checks what a few shell
# scripts print: fork/exec, pipes, redirections, tmpfs, uname, exit status.
#   tests/busybox_smoke.sh ORRERY_BINARY SOURCE_DIR
set -u
orrery=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$src/scripts/make-initramfs" "$work/initramfs.cpio" >/dev/null || exit 1
fail=0
check() {  # check NAME EXPECTED SCRIPT
  local name=$1 want=$2 script=$3 got
  got=$(timeout 120 "$orrery" run --initramfs "$work/initramfs.cpio" -- /bin/sh -c "$script" 2>/dev/null)
  if [ "$got" != "$want" ]; then
    echo "FAIL $name"; echo "  want: $(printf %q "$want")"; echo "  got:  $(printf %q "$got")"
    fail=1
  else
    echo "ok   $name"
  fi
}
check echo "hello world" 'echo hello world'
check pipe "3" 'echo hi | wc -c'
check uname "Linux x86_64" 'uname -s -m'
check tmpfs "data" 'cd /tmp && echo data > f && cat f'
check seq_sum "55" 'seq 1 10 | awk "{s+=\$1} END {print s}"'
check subshell_status "7" '(exit 7); echo $?'
check sort_uniq "a
b" 'printf "b\na\nb\n" | sort | uniq'
check mkdir_ls "x
y" 'mkdir -p /tmp/t/x /tmp/t/y && ls /tmp/t'
check redirect_append "1
2" 'echo 1 > /tmp/f; echo 2 >> /tmp/f; cat /tmp/f'
check sed_tr "HELLO" 'echo hello | tr a-z A-Z | sed s/X/Y/'
# procfs: ps shows real command lines, /proc/self/{exe,cmdline,maps,comm}.
check ps_args "sleep 2" 'sleep 2 & for i in 1 2 3 4 5 6 7 8 9 10; do ps -o args | grep -x "sleep 2" && break; sleep 0.1; done'
check proc_exe "/bin/busybox" 'readlink /proc/self/exe'
check proc_cmdline "cat /proc/self/cmdline " 'cat /proc/self/cmdline | tr "\\0" " "'
check proc_maps "1 1" 'echo $(grep -c " \[stack\]$" /proc/self/maps) $(grep -c " \[heap\]$" /proc/self/maps)'
check proc_comm "renamed" 'echo renamed > /proc/$$/comm; cat /proc/$$/comm | tr -d "\\n"; echo'
# A dynamically linked Debian binary: ld.so maps libc with file mmap.
dyn="$work/dynroot"
mkdir -p "$dyn/lib64" "$dyn/lib/x86_64-linux-gnu" "$dyn/usr/local/bin"
cp /lib64/ld-linux-x86-64.so.2 "$dyn/lib64/"
cp /lib/x86_64-linux-gnu/libc.so.6 "$dyn/lib/x86_64-linux-gnu/"
cp /bin/echo "$dyn/usr/local/bin/dynecho"
bash "$src/scripts/make-initramfs" "$work/dyn.cpio" "$dyn" >/dev/null || exit 1
got=$(timeout 120 "$orrery" run --initramfs "$work/dyn.cpio" -- /usr/local/bin/dynecho dynamic ok 2>/dev/null)
if [ "$got" != "dynamic ok" ]; then echo "FAIL dynamic_echo: got $(printf %q "$got")"; fail=1; else echo "ok   dynamic_echo"; fi

"$orrery" run --initramfs "$work/initramfs.cpio" -- /bin/sh -c 'exit 3' >/dev/null 2>&1
status=$?
if [ "$status" -ne 3 ]; then echo "FAIL exit_status: want 3, got $status"; fail=1; else echo "ok   exit_status"; fi
exit $fail
