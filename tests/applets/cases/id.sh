# id: root by default; -u, -g, -n; whoami; an unknown user.
id
id -u; id -g; id -un; id -gn
whoami
id nosuchuser 2>/dev/null; echo "status $?"
