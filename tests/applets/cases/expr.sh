# expr: arithmetic, comparison, string match, length, substr, exit statuses.
expr 2 + 3
expr 7 \* 6
expr 17 / 5
expr 17 % 5
expr 3 \< 5
expr length hello
expr substr orrery 2 3
expr hello : 'hel\(.*\)'
expr index abcdef d
expr 0 + 0; echo "zero status $?"
expr 1 / 0 2>/dev/null; echo "div status $?"
