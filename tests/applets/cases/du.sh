# du: -s on a tree of known sizes (tmpfs: sizes in 1K blocks of allocated pages), -a, -c.
mkdir -p /tmp/du/a && cd /tmp/du
dd if=/dev/zero of=a/f1 bs=4096 count=3 2>/dev/null
dd if=/dev/zero of=f2 bs=4096 count=1 2>/dev/null
du -s a | awk '{print $1}'
du -a . | sort -k2
du -c a/f1 f2 | tail -n 1
du -sk a | awk '{print $1}'
