# ln: hard links (link count, shared content), symlinks, -s -f, dangling links.
cd /tmp
echo shared > h1
ln h1 h2 && stat -c %h h1
echo more >> h2 && cat h1
ln -s h1 s1 && readlink s1 && cat s1
ln -s nowhere dangling && readlink dangling
cat dangling 2>&1; echo "status $?"
ln -sf h2 s1 && readlink s1
ln h1 h2 2>&1; echo "status $?"
[ -L s1 ] && [ ! -L h1 ] && echo "types ok"
