# hostname: read, set (root), and uname -n agrees; /proc/sys/kernel/hostname.
hostname
hostname newname && hostname
uname -n
hostname -s
