#!/bin/sh
# scdoc-man.sh SCDOC IN OUT - IN (scdoc) to OUT (a man page), with
# hyphenation off and ragged-right lines (".nh", ".ad l" after ".TH"), as
# git's pages do: function and field names stay whole.
set -eu
scdoc=$1 in=$2 out=$3
"$scdoc" <"$in" >"$out.tmp"
sed '/^\.TH /a\
.nh\
.ad l' "$out.tmp" >"$out"
rm -f "$out.tmp"
grep -q '^\.nh$' "$out"
