# Bad executables: execve reports ENOEXEC for corrupt ELF files (and the usual errnos for the
# rest).  On ENOEXEC ash re-runs the file as a script (through /proc/self/exe), which reports
# the junk as a command that is not found, as on Linux, and carries on.
/cprog/exec_errors.static; echo "static exit $?"
/cprog/exec_errors.pie; echo "pie exit $?"
/cprog/short.elf; echo "sh short status $?"
echo "shell alive"
