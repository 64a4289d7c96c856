# uniq: adjacent duplicates, -c, -d, -u, -i.
printf 'a\na\nb\na\nc\nc\n' > /tmp/u
uniq /tmp/u
uniq -c /tmp/u
uniq -d /tmp/u
uniq -u /tmp/u
printf 'A\na\nb\n' | uniq -i
