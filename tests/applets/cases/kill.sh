# kill: -l, TERM default, -s named signal, -0 probing, a trap handler, missing pid.
kill -l 9
kill -l 15
sleep 30 & p=$!
kill -0 $p && echo "alive"
kill -s HUP $p; wait $p; echo "hup status $?"
sh -c 'trap "echo got USR1; exit 0" USR1; kill -USR1 $$; sleep 5; echo not reached'
sh -c 'echo self; kill -TERM $$; echo not reached'; echo "term status $?"
kill 99999 2>/dev/null; echo "missing pid status $?"
