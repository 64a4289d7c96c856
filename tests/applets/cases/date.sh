# date: fixed dates in UTC with formats, -d @epoch, -u, and a sane current time.
date -u -d @0
date -u -d @1234567890 '+%Y-%m-%d %H:%M:%S %a %j'
date -u -d '2024-02-29 12:00:00' +%s
TZ=UTC date -d @86399 +%T
now=$(date +%s)
[ "$now" -gt 1600000000 ] && echo "current time sane"
date -d bogus 2>/dev/null; echo "status $?"
