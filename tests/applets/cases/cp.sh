# cp: file, into a directory, -r trees, -p mode, overwrite, errors.
cd /tmp
echo content > src
cp src dst && cat dst
mkdir d && cp src d/ && cat d/src
mkdir -p tree/a/b && echo deep > tree/a/b/f
cp -r tree tree2 && cat tree2/a/b/f
chmod 600 src && cp -p src keep && stat -c %a keep
echo newer > src2 && cp src2 dst && cat dst
cp nosuch x 2>&1; echo "status $?"
cp -r tree 2>&1 | head -c 0; echo "done"
