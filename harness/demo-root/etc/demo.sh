# The `make run` workload: Debian's static busybox running natively on Orrery.
echo "== uname -a"; uname -a
echo "== id; pid"; id; echo "pid $$"
echo "== ls -l /"; ls -l /
echo "== pipes and filters"
echo hi | wc -c
seq 1 10 | awk '{ s += $1 } END { print "sum 1..10 =", s }'
printf 'pear\napple\npear\n' | sort | uniq -c
echo "== tmpfs"
cd /tmp && echo data > f && cat f && mkdir -p a/b && ls -lR /tmp
echo "== processes"
(exit 7); echo "subshell exit status $?"
sleep 0.1 & wait $!; echo "background job done"
echo "== /dev"
head -c 8 /dev/urandom | od -An -tx1 | wc -w
echo "demo done"
