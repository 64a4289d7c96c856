# find: -name, -type, -maxdepth, -size, -exec, -newer, -print0 via xargs.
mkdir -p /tmp/fr/a/b /tmp/fr/c && cd /tmp/fr
touch a/x.txt a/b/y.txt c/z.log top.txt
echo 12345 > c/big
find . | sort
find . -name '*.txt' | sort
find . -type d | sort
find . -maxdepth 1 -type f
find . -name '*.log' -exec echo found {} \;
find . -size +0c -type f
find . -name y.txt -print0 | xargs -0 echo got
