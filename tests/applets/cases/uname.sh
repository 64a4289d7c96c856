# uname: fixed fields of Orrery's identity.
uname
uname -s -m
uname -o
uname -m
[ -n "$(uname -r)" ] && echo "release present"
