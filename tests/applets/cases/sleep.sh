# sleep: fractional sleeps take at least that long; sleep in the background ends.
start=$(date +%s)
sleep 1.2
end=$(date +%s)
[ $((end - start)) -ge 1 ] && echo "slept at least 1s"
sleep 0.1; echo "short status $?"
sleep 0.3 & wait $!; echo "bg status $?"
sleep bad 2>/dev/null; echo "bad arg status $?"
