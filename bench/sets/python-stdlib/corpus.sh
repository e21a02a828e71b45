#!/bin/sh
# Copies this set's corpus, 14 pages of the Python 3.11 standard library documentation (PSF
# License), Sphinx-built HTML as shipped by Debian's python3.11-doc package, into ./corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/doc/python3.11/html/library
pages="logging logging.handlers subprocess sqlite3 argparse pathlib json datetime venv asyncio-task functools tempfile shutil zipfile"
if [ ! -f "$src/logging.html" ]; then
  echo "No Python 3.11 library docs at $src: install python3.11-doc (apt-get install python3.11-doc)." >&2
  exit 1
fi
rm -rf "$here/corpus"
mkdir -p "$here/corpus"
for page in $pages; do cp "$src/$page.html" "$here/corpus/"; done
echo "14 pages of the Python 3.11 library docs in $here/corpus"
