# head: default 10 lines, -n, -c, several files, a missing file.
seq 1 20 > /tmp/h
head /tmp/h | tr '\n' ' '; echo
head -n 3 /tmp/h
head -c 5 /tmp/h | od -c | head -n 1
seq 100 102 | head -n 1
head -n 1 /tmp/h /tmp/h
head nosuch 2>&1; echo "status $?"
