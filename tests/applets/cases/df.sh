# df: a sized tmpfs mount shows its size; df of a path; -k columns.
mkdir -p /mnt/small
mount -t tmpfs -o size=2m tmpfs /mnt/small
df -k /mnt/small | awk 'NR == 2 {print $2, $6}'
dd if=/dev/zero of=/mnt/small/f bs=4096 count=128 2>/dev/null
df -k /mnt/small | awk 'NR == 2 {print $3}'
df | awk 'NR == 1 {print $1, $6}'
df /nosuch 2>/dev/null; echo "status $?"
