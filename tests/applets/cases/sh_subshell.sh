# Subshells: isolated variables and cwd, exit status, command substitution, nesting.
x=outer
(x=inner; echo "in $x")
echo "out $x"
(cd /tmp && pwd)
pwd
(exit 42); echo "status $?"
n=$(echo $(echo nested))
echo "$n"
echo "count $(printf 'a\nb\nc\n' | wc -l)"
( ( (echo deep) ) )
