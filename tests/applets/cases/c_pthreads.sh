# glibc pthreads (static and static-PIE): mutex counter and condvar queue across threads.
/cprog/pthreads.static; echo "static exit $?"
/cprog/pthreads.pie; echo "pie exit $?"
