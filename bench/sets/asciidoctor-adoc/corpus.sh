#!/bin/sh
# Make corpus/ for the asciidoctor-adoc question set: the AsciiDoc sources of the Asciidoctor
# user documentation (docs/modules/*/pages/**/*.adoc plus docs/modules/*/partials/*.adoc) at a
# fixed commit of https://github.com/asciidoctor/asciidoctor.
#
# Source: $ASCIIDOCTOR_REPO (a local clone or bare repository holding that commit) if set,
# otherwise a blobless clone from GitHub into a temporary directory.
set -eu

commit=ae5891df10f12dda069abea8a318c9b94d545bee
url=https://github.com/asciidoctor/asciidoctor
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "${ASCIIDOCTOR_REPO:-}" ]; then
  repo=$ASCIIDOCTOR_REPO
  from=$repo
else
  git clone --quiet --filter=blob:none --no-checkout "$url" "$tmp/repo"
  repo=$tmp/repo
  from=$url
fi

if ! git -C "$repo" cat-file -e "$commit^{commit}" 2>/dev/null; then
  echo "corpus.sh: commit $commit not found in $from" >&2
  exit 1
fi
mkdir "$tmp/x"
git -C "$repo" archive --format=tar -o "$tmp/docs.tar" "$commit" docs
tar -x -C "$tmp/x" -f "$tmp/docs.tar"

rm -rf "$out"
mkdir -p "$out"
cd "$tmp/x/docs/modules"
pages=0
partials=0
# Module layout: <module>/pages/**/*.adoc and <module>/partials/*.adoc. Everything else
# (nav files, examples, images) is left out. File names here contain no spaces.
for f in $(find . -type f -name '*.adoc' | sort); do
  f=${f#./}
  rest=${f#*/}
  case $rest in
    pages/*) pages=$((pages + 1)) ;;
    partials/*/*) continue ;;
    partials/*) partials=$((partials + 1)) ;;
    *) continue ;;
  esac
  mkdir -p "$out/$(dirname "$f")"
  cp "$f" "$out/$f"
done

echo "corpus.sh: copied $pages pages and $partials partial(s) (.adoc) from $from @ $(printf %.12s "$commit") -> $out"
