# printf: formats, widths, escapes, argument reuse.
printf '%s-%d-%x-%o\n' str 42 255 8
printf '[%5s][%-5s][%05d]\n' ab cd 42
printf '%.3f %e\n' 3.14159 1500
printf '%s\n' a b c
printf 'percent %% and \\ backslash\n'
printf '%c%c\n' xyz abc
printf '%i %u\n' -7 7
