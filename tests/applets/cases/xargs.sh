# xargs: default echo, -n, -I replacement, -0, running a command, exit status.
printf 'a b\nc\n' | xargs
printf '1 2 3 4 5\n' | xargs -n 2 echo
printf 'x\ny\n' | xargs -I{} echo 'item {}'
printf 'p\0q r\0' | xargs -0 -n 1 echo
mkdir -p /tmp/xa && cd /tmp/xa && echo 'f1 f2' | xargs touch && ls
echo z | xargs false; echo "status $?"
