#!/bin/sh
# Copies this set's corpus, the reStructuredText sources of the Sphinx 7.2.6 documentation
# (the doc/ folder of the PyPI sdist, BSD-2-Clause), into ./corpus, keeping relative paths.
# Only *.rst files are copied; doc/changes.rst and doc/_static, doc/_templates, doc/_themes
# are skipped. Needs pip and network access to PyPI.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pip download --no-deps --no-binary :all: sphinx==7.2.6 -d "$tmp" -q
tar xzf "$tmp/sphinx-7.2.6.tar.gz" -C "$tmp"
doc="$tmp/sphinx-7.2.6/doc"
if [ ! -d "$doc" ]; then
  echo "No doc/ folder in the Sphinx 7.2.6 sdist at $doc" >&2
  exit 1
fi

rm -rf "$here/corpus"
mkdir -p "$here/corpus"
(cd "$doc" && find . -type f -name '*.rst' \
    ! -path './changes.rst' ! -path './_static/*' ! -path './_templates/*' ! -path './_themes/*' \
    | sort) >"$tmp/list"
while IFS= read -r f; do
  f=${f#./}
  mkdir -p "$here/corpus/$(dirname "$f")"
  cp "$doc/$f" "$here/corpus/$f"
done <"$tmp/list"
echo "$(wc -l <"$tmp/list" | tr -d ' ') .rst files of the Sphinx 7.2.6 docs in $here/corpus"
