#!/bin/sh
# Copies this set's corpus, three PDF manuals shipped by Debian packages, into ./corpus:
#   fontconfig-user.pdf  from fontconfig   (apt-get install fontconfig)
#   libtasn1.pdf         from libtasn1-doc (apt-get install libtasn1-doc)
#   nettle.pdf           from nettle-dev   (apt-get install nettle-dev)
# Debian ships two of them gzipped; they are unpacked here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

need() { # need <path> <debian package>
  if [ ! -f "$1" ]; then
    echo "Missing $1: install Debian's $2 package first (apt-get install $2)." >&2
    exit 1
  fi
}
need /usr/share/doc/fontconfig/fontconfig-user.pdf.gz fontconfig
need /usr/share/doc/libtasn1-doc/libtasn1.pdf libtasn1-doc
need /usr/share/doc/nettle-dev/nettle.pdf.gz nettle-dev

rm -rf "$here/corpus"
mkdir -p "$here/corpus"
gzip -dc /usr/share/doc/fontconfig/fontconfig-user.pdf.gz >"$here/corpus/fontconfig-user.pdf"
cp /usr/share/doc/libtasn1-doc/libtasn1.pdf "$here/corpus/libtasn1.pdf"
gzip -dc /usr/share/doc/nettle-dev/nettle.pdf.gz >"$here/corpus/nettle.pdf"
echo "$(ls "$here/corpus" | wc -l) PDFs of $(dpkg-query -W -f='${Package} ${Version}, ' fontconfig libtasn1-doc nettle-dev 2>/dev/null | sed 's/, $//' || echo 'the manuals') in $here/corpus"
