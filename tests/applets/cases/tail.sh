# tail: default, -n, -n +N, -c, stdin.
seq 1 20 > /tmp/t
tail /tmp/t | tr '\n' ' '; echo
tail -n 2 /tmp/t
tail -n +18 /tmp/t
tail -c 3 /tmp/t
seq 5 | tail -n 1
