# tr: ranges, -d, -s, -c, classes.
echo hello | tr a-z A-Z
echo 'hello world' | tr -d lo
echo 'aaabbbccc' | tr -s abc
echo 'a1b2c3' | tr -cd '0-9'; echo
echo 'Mixed Case' | tr '[:upper:]' '[:lower:]'
echo 'a b' | tr ' ' '\n'
