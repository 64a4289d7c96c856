# rmdir: empty directory, non-empty (ENOTEMPTY), -p, missing.
cd /tmp
mkdir e && rmdir e && [ ! -e e ] && echo "e removed"
mkdir f && touch f/x
rmdir f 2>&1; echo "status $?"
mkdir -p p/q/r && rmdir -p p/q/r && [ ! -e p ] && echo "chain removed"
rmdir nosuch 2>&1; echo "status $?"
