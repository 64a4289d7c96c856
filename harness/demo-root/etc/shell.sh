# `make shell`: an interactive busybox shell on the console terminal, with job control.
# pid 1 is a session leader, so opening /dev/ttyS0 makes it the controlling terminal (as on
# Linux; /dev/console never becomes one).
export PS1='orrery:\w\$ '
exec /bin/sh -i </dev/ttyS0 >/dev/ttyS0 2>&1
