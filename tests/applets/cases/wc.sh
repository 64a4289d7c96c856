# wc: lines, words, bytes, several files with a total, stdin.
printf 'one two\nthree\n' > /tmp/w1
printf 'four\n' > /tmp/w2
wc /tmp/w1
wc -l /tmp/w1
wc -w < /tmp/w1
wc -c < /tmp/w1
wc -l /tmp/w1 /tmp/w2
printf 'no newline' | wc -l
wc -L /tmp/w1
