# Here-documents: expanded, quoted (literal), tab-stripped, and fed into a pipe.
name=world
cat <<END
hello $name
sum $((2 + 3))
END
cat <<'END'
literal $name $((1+1))
END
cat <<-END
	tabs stripped
END
tr a-z A-Z <<END | rev
shout
END
