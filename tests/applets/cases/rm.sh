# rm: file, -f on missing, -r tree, refuses a directory without -r.
cd /tmp
touch r1 && rm r1 && [ ! -e r1 ] && echo "r1 removed"
rm -f missing; echo "rm -f status $?"
mkdir -p rt/a/b && touch rt/a/b/f rt/a/g && rm -r rt && [ ! -e rt ] && echo "tree removed"
mkdir rd
rm rd 2>&1; echo "status $?"
rm missing 2>&1; echo "status $?"
