#!/bin/sh
# Unpacks this set's corpus from four Debian packages into ./corpus: plain-text documents, kept
# exactly as shipped (hard-wrapped), only gunzipped and renamed.
#   sed         /usr/share/doc/sed/sedfaq.txt.gz                  -> corpus/sedfaq.txt
#   man-db      /usr/share/doc/man-db/man-db-manual.txt.gz        -> corpus/man-db-manual.txt
#   lsof        /usr/share/doc/lsof/00FAQ.gz                      -> corpus/lsof-faq.txt
#   libpng16-16 /usr/share/doc/libpng16-16/libpng-manual.txt.gz   -> corpus/libpng-manual.txt
set -eu
here=$(cd "$(dirname "$0")" && pwd)

# package, source file, target name; checked before anything is written
set -- \
  sed /usr/share/doc/sed/sedfaq.txt.gz sedfaq.txt \
  man-db /usr/share/doc/man-db/man-db-manual.txt.gz man-db-manual.txt \
  lsof /usr/share/doc/lsof/00FAQ.gz lsof-faq.txt \
  libpng16-16 /usr/share/doc/libpng16-16/libpng-manual.txt.gz libpng-manual.txt

missing=0
args="$*"
while [ $# -gt 0 ]; do
  if [ ! -f "$2" ]; then
    echo "Missing $2: install Debian's $1 package first (apt-get install $1)." >&2
    missing=1
  fi
  shift 3
done
[ "$missing" -eq 0 ] || exit 1

rm -rf "$here/corpus"
mkdir -p "$here/corpus"
# shellcheck disable=SC2086 # the paths above contain no spaces
set -- $args
while [ $# -gt 0 ]; do
  gunzip -c "$2" > "$here/corpus/$3"
  shift 3
done
versions=$(dpkg-query -W -f='${Package} ${Version}\n' sed man-db lsof libpng16-16 2>/dev/null | paste -sd, - | sed 's/,/, /g') || versions=''
echo "$(ls "$here/corpus" | wc -l) files in $here/corpus${versions:+ (from $versions)}"
