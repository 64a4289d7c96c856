# sed: s///g, addresses, d, p with -n, -i in place, multiple -e, y, a/i.
printf 'one\ntwo\nthree\nfour\n' > /tmp/s
sed 's/o/0/g' /tmp/s
sed -n '2,3p' /tmp/s
sed '/two/d' /tmp/s
sed -e 's/one/1/' -e 's/four/4/' /tmp/s
echo hello | sed 'y/lo/01/'
sed -n '$p' /tmp/s
echo 'a b c' | sed -E 's/([a-z]) ([a-z])/\2-\1/'
sed -i 's/three/3/' /tmp/s && cat /tmp/s
echo x | sed 'a\
after'
