# fork + pipe + dup2 + execve of busybox applets + waitpid from a glibc program.
/cprog/pipeline.static; echo "static exit $?"
/cprog/pipeline.pie; echo "pie exit $?"
