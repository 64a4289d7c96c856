# glibc __thread variables (.tdata and .tbss) in several threads, static and static-PIE.
/cprog/tls.static; echo "static exit $?"
/cprog/tls.pie; echo "pie exit $?"
