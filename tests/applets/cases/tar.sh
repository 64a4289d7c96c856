# tar: create, list, extract (content and mode survive), -z compressed, -C.
mkdir -p /tmp/ta/src/sub && cd /tmp/ta
echo alpha > src/a; echo beta > src/sub/b; chmod 750 src/a
tar cf t.tar src
tar tf t.tar | sort
mkdir out && tar xf t.tar -C out
cat out/src/a out/src/sub/b; stat -c %a out/src/a
tar czf t.tgz src && mkdir zout && tar xzf t.tgz -C zout && cat zout/src/sub/b
cmp src/a out/src/a && echo "identical"
tar xf nosuch.tar 2>/dev/null; echo "status $?"
