# stat: format fields (size, type, mode, links, uid/gid names), -L, -f type.
cd /tmp
printf 12345 > f
stat -c '%n %s %F %a %h %u %g %U %G' f
mkdir d; stat -c '%F %h' d
ln -s f l; stat -c '%F %N' l; stat -L -c '%F %s' l
stat -c %F /dev/null
stat -f -c %T /proc
stat nosuch 2>&1; echo "status $?"
