# ls: listing, -a, -1, -d, -F, -R, -l fields, sorting.
mkdir -p /tmp/l/sub && cd /tmp/l
touch b a .hidden c
echo data > sub/f
ls
ls -a
ls -1 sub
ls -d sub
ls -F
ls -R
chmod 640 a
ls -l a | awk '{print $1, $2, $3, $4, $5, $9}'
ls -l sub/f | awk '{print $1, $5}'
ls missing 2>&1; echo "status $?"
