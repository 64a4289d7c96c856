# gzip/gunzip/zcat: round trip of a large file, -c, -d, -t, corrupt input.
cd /tmp
seq 1 20000 > g
sum_before=$(md5sum < g)
gzip g && [ -f g.gz ] && [ ! -e g ] && echo "compressed"
[ $(stat -c %s g.gz) -lt 108894 ] && echo "smaller than the input"
gzip -t g.gz && echo "test ok"
zcat g.gz | tail -n 1
gunzip g.gz && [ "$(md5sum < g)" = "$sum_before" ] && echo "round trip"
echo hi | gzip -c | gzip -dc
echo garbage > bad.gz; gunzip bad.gz 2>/dev/null; echo "status $?"
