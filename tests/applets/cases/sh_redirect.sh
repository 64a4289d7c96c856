# Redirections: >, >>, <, 2>, 2>&1, >&2 swapped, fd 3, /dev/null, noclobber.
cd /tmp
echo first > r.txt
echo second >> r.txt
cat < r.txt
ls /nonexistent 2> err.txt; echo "ls status $?"
grep -c nonexistent err.txt
{ echo out; echo err >&2; } > both.txt 2>&1
sort both.txt
exec 3> fd3.txt
echo "via fd 3" >&3
exec 3>&-
cat fd3.txt
echo gone > /dev/null; echo "devnull ok"
set -C; (echo x > r.txt) 2>/dev/null || echo "noclobber refused"
