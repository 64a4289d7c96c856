# grep: basic, -i, -v, -c, -n, -E, -o, -l, -r, -q status, no match status.
cd /tmp
printf 'apple\nBanana\ncherry\napricot\n' > g
grep ap g
grep -i banana g
grep -v a g
grep -c a g
grep -n cherry g
grep -E '^(apple|cherry)$' g
echo 'x123y45' | grep -o '[0-9]*'
mkdir -p gd/s && echo needle > gd/s/f && echo hay > gd/h
grep -rl needle gd
grep -q cherry g; echo "q status $?"
grep nomatch g; echo "status $?"
grep x nosuch 2>&1; echo "status $?"
