# Shell language: functions, case, for/while/until, arithmetic, parameter expansion, set.
f() { echo "f got $# args: $*"; return 5; }
f a b c; echo "f returned $?"
for w in apple banana cherry; do
  case $w in
    a*) echo "$w starts with a" ;;
    *an*) echo "$w has an" ;;
    *) echo "$w other" ;;
  esac
done
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "i=$i"
j=10; until [ $j -le 7 ]; do j=$((j - 1)); done; echo "j=$j"
s=hello.tar.gz
echo "${s%.gz} ${s%%.*} ${s#*.} ${#s} ${unset_var:-default}"
set -- x y z; echo "$2 $#"
echo $(( (7 * 6) % 10 )) $(( 1 << 10 )) $(( -5 / 2 ))
