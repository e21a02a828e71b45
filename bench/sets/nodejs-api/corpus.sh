#!/bin/sh
# Copies this set's corpus, 16 pages of the Node.js API docs (MIT), from the docs a Debian nodejs
# package installs (NodeSource's nodejs, or Debian's nodejs-doc) into ./corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/doc/nodejs/api
pages="cli child_process cluster worker_threads timers readline repl packages modules esm debugger report permissions single-executable-applications corepack dns"
if [ ! -f "$src/cli.md" ]; then
  echo "No Node.js API docs at $src: install a nodejs package that ships them (NodeSource nodejs, or Debian's nodejs-doc)." >&2
  exit 1
fi
rm -rf "$here/corpus"
mkdir -p "$here/corpus"
for page in $pages; do cp "$src/$page.md" "$here/corpus/"; done
echo "16 pages of the Node.js $(node --version 2>/dev/null || echo '') API docs in $here/corpus"
