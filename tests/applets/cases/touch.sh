# touch: create, set an explicit time with -d and -t, -c on a missing file.
cd /tmp
touch new && [ -f new ] && stat -c %s new
touch -d '2020-01-02 03:04:05' new && stat -c %Y new
touch -t 199901010000 old && stat -c %Y old
touch -c missing; [ ! -e missing ] && echo "not created"
date_before=$(date +%s); touch new; [ $(stat -c %Y new) -ge $date_before ] && echo "now ok"
