# A read interrupted by a handled signal restarts with SA_RESTART and fails with EINTR without.
/cprog/sa_restart.static; echo "static exit $?"
/cprog/sa_restart.pie; echo "pie exit $?"
