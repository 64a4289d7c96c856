# mkdir: simple, -p, -m mode, EEXIST, missing parent.
cd /tmp
mkdir k1 && [ -d k1 ] && echo "k1 made"
mkdir -p k2/a/b/c && [ -d k2/a/b/c ] && echo "deep made"
mkdir -m 700 k3 && stat -c %a k3
mkdir k1 2>&1; echo "status $?"
mkdir no/parent 2>&1; echo "status $?"
mkdir -p k1; echo "-p existing $?"
