# Job control basics: & and $!, wait for a status, kill of a background job.
sleep 0.2 &
pid=$!
[ "$pid" -gt 1 ] && echo "have pid"
wait $pid; echo "sleep status $?"
(exit 3) &
wait $!; echo "bg status $?"
sleep 30 &
victim=$!
kill $victim
wait $victim; echo "killed status $?"
sleep 30 &
v2=$!
kill -9 $v2
wait $v2; echo "sigkill status $?"
for i in 1 2 3; do (echo "job $i" > /tmp/job$i) & done
wait
cat /tmp/job1 /tmp/job2 /tmp/job3
