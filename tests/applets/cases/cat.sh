# cat: files, stdin (-), concatenation, -n numbering, a missing file.
cd /tmp
printf 'a\nb\n' > c1; printf 'c\n' > c2
cat c1 c2
echo mid | cat c1 - c2
cat -n c1
cat missing 2>&1; echo "status $?"
