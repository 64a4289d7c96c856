# seq: last, first last, increments, negative step, -s, -w.
seq 3
seq 2 4
seq 1 3 10
seq 5 -2 1
seq -s , 1 5
seq -w 8 10
seq 3 1; echo "empty status $?"
