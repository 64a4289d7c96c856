# Bad executables: execve reports ENOEXEC for corrupt ELF files (and the usual errnos for the
# rest).  On ENOEXEC ash re-runs the file as a script through /proc/self/exe, which Orrery's
# procfs lacks so far; running it with sh directly shows the same report Linux gives.
/cprog/exec_errors.static; echo "static exit $?"
/cprog/exec_errors.pie; echo "pie exit $?"
sh /cprog/short.elf; echo "sh short status $?"
echo "shell alive"
