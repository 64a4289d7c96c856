# dd: bs/count, skip/seek, conv=notrunc, /dev/zero, status lines.
cd /tmp
dd if=/dev/zero of=z bs=1024 count=8 2>/dev/null && stat -c %s z
printf 'abcdefghij' > src
dd if=src bs=1 skip=3 count=4 2>/dev/null; echo
printf '0123456789' > dst
dd if=src of=dst bs=1 count=2 seek=5 conv=notrunc 2>/dev/null; cat dst; echo
dd if=src of=/dev/null bs=4 2>&1 | head -n 2
dd if=nosuch of=x 2>/dev/null; echo "status $?"
