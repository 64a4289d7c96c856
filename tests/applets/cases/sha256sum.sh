# sha256sum: FIPS 180-2 test vectors (abc, the 448-bit message), a million 'a's, sha1sum.
printf 'abc' | sha256sum
printf 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq' | sha256sum
printf '' | sha256sum
head -c 1000000 /dev/zero | tr '\0' a | sha256sum
printf 'abc' | sha1sum
