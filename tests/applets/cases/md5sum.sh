# md5sum: RFC 1321 test vectors, a file, and -c verification.
printf '' | md5sum
printf 'abc' | md5sum
printf 'message digest' | md5sum
printf 'abc' > /tmp/m && md5sum /tmp/m
md5sum /tmp/m > /tmp/m.md5 && md5sum -c /tmp/m.md5
echo tampered > /tmp/m; md5sum -c /tmp/m.md5 2>/dev/null; echo "status $?"
