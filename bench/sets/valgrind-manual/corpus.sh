#!/bin/sh
# Copies this set's corpus from Debian's valgrind package (apt-get install valgrind) into ./corpus:
# the HTML manual's pages without the licence texts and the old release notes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/doc/valgrind/html
if [ ! -f "$src/FAQ.html" ]; then
  echo "No Valgrind manual at $src: install Debian's valgrind package first (apt-get install valgrind)." >&2
  exit 1
fi
rm -rf "$here/corpus"
mkdir -p "$here/corpus"
for page in "$src"/*.html; do
  case "$(basename "$page")" in license.gfdl.html | license.gpl.html | dist.news.old.html) continue ;; esac
  cp "$page" "$here/corpus/"
done
echo "$(ls "$here/corpus" | wc -l) pages of $(dpkg-query -W -f='valgrind ${Version}' valgrind 2>/dev/null || echo 'the Valgrind manual') in $here/corpus"
