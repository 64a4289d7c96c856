# A program that segfaults dies of SIGSEGV; the shell reports it (status 139) and carries on.
/cprog/segv.static; echo "static status $?"
/cprog/segv.pie; echo "pie status $?"
sh -c '/cprog/segv.static; echo "inner status $?"'
echo "kernel carries on: $(echo still | tr a-z A-Z)"
