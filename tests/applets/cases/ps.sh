# ps: the current shell and its children are listed; ps sees a background sleep.
sleep 10 &
p=$!
sleep 0.3  # let the child exec, so ps shows it as sleep rather than sh
ps > /tmp/ps.out
head -n 1 /tmp/ps.out | awk '{print $1, $2, $3}'
grep -c sleep /tmp/ps.out
awk -v p=$p '$1 == p {print "sleep pid listed"}' /tmp/ps.out
awk -v p=$$ '$1 == p {print "shell pid listed"}' /tmp/ps.out
kill $p
