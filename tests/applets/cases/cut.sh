# cut: -d -f, field ranges, -c character ranges, -s.
echo 'a:b:c:d' | cut -d: -f2
echo 'a:b:c:d' | cut -d: -f1,3
echo 'a:b:c:d' | cut -d: -f2-
echo 'abcdefgh' | cut -c 2-4
echo 'abcdefgh' | cut -c -3
printf 'x y\nnodelim\n' | cut -d' ' -f2 -s
