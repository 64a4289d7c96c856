# chmod: octal, symbolic, -R, permission denied path for non-root is not tested (root).
cd /tmp
touch f && chmod 751 f && stat -c '%a %A' f
chmod u-x,g+w,o= f && stat -c '%a %A' f
chmod a+rwx f && stat -c %a f
chmod +t f 2>/dev/null; stat -c %A f
mkdir -p d/e && touch d/e/g && chmod -R 700 d && stat -c %a d/e/g
chmod 644 nosuch 2>&1; echo "status $?"
