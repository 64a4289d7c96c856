# mv: rename, into a directory, over an existing file, directory rename, error.
cd /tmp
echo one > m1
mv m1 m2 && cat m2 && [ ! -e m1 ] && echo "m1 gone"
mkdir md && mv m2 md/ && cat md/m2
echo keep > t1; echo lose > t2
mv t1 t2 && cat t2
mkdir dd && echo x > dd/x && mv dd ee && cat ee/x
mv nosuch y 2>&1; echo "status $?"
