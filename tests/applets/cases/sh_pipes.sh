# Pipelines of several stages, pipeline exit status, and ! negation.
printf 'c\nb\na\nb\n' | sort | uniq | tr a-z A-Z | head -n 2
echo one two three | wc -w
false | true; echo "status $?"
true | false; echo "status $?"
! false; echo "negated $?"
seq 1 1000 | tail -n 1
