# echo: plain, -n, -e escapes.
echo hello world
echo -n "no newline"; echo "|"
echo -e 'tab\there\nline2'
echo -e 'oct\0101'
echo "multiple   spaces"
echo
