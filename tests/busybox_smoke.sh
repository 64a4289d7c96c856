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
"$orrery" run --initramfs "$work/initramfs.cpio" -- /bin/sh -c 'exit 3' >/dev/null 2>&1
status=$?
if [ "$status" -ne 3 ]; then echo "FAIL exit_status: want 3, got $status"; fail=1; else echo "ok   exit_status"; fi
exit $fail
