# awk: fields, -F, BEGIN/END, arrays, printf, functions, NR/NF.
printf 'alice 30\nbob 25\ncarol 35\n' > /tmp/a
awk '{print $2, $1}' /tmp/a
awk '{s += $2} END {print "total", s, "avg", s / NR}' /tmp/a
awk '$2 > 28 {print $1}' /tmp/a
echo 'a:b:c' | awk -F: '{print NF, $NF}'
awk 'BEGIN {printf "%05.1f|%-4s|%x\n", 3.14159, "ab", 255}'
printf 'x\ny\nx\nx\n' | awk '{c[$1]++} END {for (k in c) print k, c[k]}' | sort
awk 'function sq(n) { return n * n } BEGIN { print sq(12) }'
awk 'BEGIN { print length("hello"), substr("orrery", 2, 3), toupper("up"), index("abc", "c") }'
awk 'BEGIN { n = split("a,b,c", p, ","); print n, p[3] }'
