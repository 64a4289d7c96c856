# More applets: basename/dirname, true/false, yes|head, rev, nl, od, comm, paste, which, pwd, readlink -f.
basename /a/b/c.txt .txt; dirname /a/b/c.txt
true; echo $?; false; echo $?
yes y | head -n 3
echo abc | rev
printf 'a\nb\n' | nl -b a | awk '{print $1, $2}'
printf 'AB' | od -An -tx1
printf 'a\nb\nc\n' > /tmp/c1; printf 'b\nc\nd\n' > /tmp/c2; comm -12 /tmp/c1 /tmp/c2
paste -d, /tmp/c1 /tmp/c2
which sh
cd /tmp && pwd
ln -sf /tmp/c1 /tmp/lnk && readlink -f /tmp/lnk
