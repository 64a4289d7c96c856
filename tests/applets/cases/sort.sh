# sort: lexical, -n, -r, -u, -k field, -t separator, -c check.
printf 'b\na\nc\na\n' | sort
printf '10\n9\n100\n' | sort -n
printf '1\n3\n2\n' | sort -r
printf 'b\na\nb\n' | sort -u
printf 'x 3\ny 1\nz 2\n' | sort -k 2
printf 'a:3\nb:1\n' | sort -t: -k2 -n
printf 'a\nb\n' | sort -c; echo "sorted $?"
printf 'b\na\n' | sort -c 2>/dev/null; echo "unsorted $?"
