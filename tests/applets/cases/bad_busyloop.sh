# A syscall-free busy loop is preempted: other processes still run and kill stops it.
/cprog/busyloop.static &
loop=$!
/cprog/busyloop.pie &
loop2=$!
sleep 0.3
echo "shell ran while two loops spin: $(seq 1 5 | tr '\n' ' ')"
kill $loop; wait $loop; echo "loop status $?"
kill -9 $loop2; wait $loop2; echo "loop2 status $?"
