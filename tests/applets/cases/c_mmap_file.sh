# File mappings: MAP_PRIVATE (copy-on-write), MAP_SHARED read-only and writable, across fork.
/cprog/mmap_file.static; echo "static exit $?"
/cprog/mmap_file.pie; echo "pie exit $?"
