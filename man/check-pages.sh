#!/bin/sh
# check-pages.sh MANDIR ACID VERSION SYMFILE... - the man pages, as TAP.
#
#  - every page meson built in MANDIR renders with groff -man -ww -z
#    without one warning;
#  - every alias page is ".so man3/PAGE.3" for a page that was built and
#    that names the function;
#  - every symbol exported by a SYMFILE (lib/libacid.sym,
#    attribution/attribution.sym; every version node) has a page in
#    section 3, a page of its own or an alias, that names it; every alias
#    names an exported symbol;
#  - ACID --version prints "acid VERSION".
# A missing tool (groff) fails the test, it is never skipped.
set -u
mandir=$1 acid=$2 version=$3
shift 3
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

is_alias() { head -n 1 "$1" | grep -q '^\.so '; }

command -v groff >/dev/null 2>&1 || { echo "Bail out! groff not found (package groff-base)"; exit 1; }
[ $# -gt 0 ] || { echo "Bail out! no symbol file given"; exit 1; }
for symfile in "$@"; do
	[ -r "$symfile" ] || { echo "Bail out! cannot read $symfile"; exit 1; }
done

pages=0
for f in "$mandir"/*.[1-8]; do
	[ -e "$f" ] || continue
	is_alias "$f" && continue
	pages=$((pages + 1))
	page=${f##*/}
	warn=$(LC_ALL=C.UTF-8 groff -man -ww -z "$f" 2>&1 >/dev/null)
	if [ -n "$warn" ]; then
		notok "$page renders with groff -man -ww -z without warnings:"
		printf '%s\n' "$warn" | sed 's/^/# /'
	else
		ok "$page renders with groff -man -ww -z without warnings"
	fi
	if grep -q '@[A-Z_]*@' "$f"; then
		notok "$page has no unsubstituted @NAME@"
	fi
done
# the pages meson_build lists: at least acid(1) and libacid(3)
for p in acid.1 libacid.3 libacid-attribution.3 acid-prestart.8 \
	acid-poststop.8 acid-exec.8; do
	if [ -f "$mandir/$p" ] && ! is_alias "$mandir/$p"; then
		ok "$p was built"
	else
		notok "$p was built"
	fi
done

# exported symbols: "name;" lines of the version script, "local: *;" not
syms=
for symfile in "$@"; do
	s=$(grep -E '^[[:space:]]+[A-Za-z_][A-Za-z0-9_]*;' "$symfile" |
		tr -d ' \t;')
	[ -n "$s" ] || { echo "Bail out! no symbols found in $symfile"; exit 1; }
	syms="$syms $s"
done
syms=$(printf '%s\n' $syms | sort -u)

for s in $syms; do
	f=$mandir/$s.3
	if [ ! -f "$f" ]; then
		notok "$s has a man page: no $s.3 (add it to man3_aliases in man/meson.build)"
		continue
	fi
	if is_alias "$f"; then
		target=$(sed -n '1s|^\.so man3/\([^ ]*\)$|\1|p' "$f")
		if [ "$(wc -l <"$f")" -ne 1 ] || [ -z "$target" ]; then
			notok "$s.3 is one line \".so man3/PAGE.3\": $(head -n 1 "$f")"
			continue
		fi
		if [ ! -f "$mandir/$target" ] || is_alias "$mandir/$target"; then
			notok "$s.3 points at $target, which was built"
			continue
		fi
		page=$target
	else
		page=$s.3
	fi
	# the page names the function (scdoc escapes "_" as "\_" in places)
	if sed 's/\\_/_/g; s/\\fB//g; s/\\fR//g; s/\\fI//g' "$mandir/$page" |
		grep -q "\\b$s\\b"; then
		ok "$s is documented in $page"
	else
		notok "$s is documented in $page (the page does not name it)"
	fi
done

# an alias for a function the library does not export is a stale page
for f in "$mandir"/acid_*.3; do
	[ -e "$f" ] || continue
	s=${f##*/}
	s=${s%.3}
	if printf '%s\n' "$syms" | grep -qx "$s"; then
		:
	else
		notok "$s.3 is the page of an exported symbol (not in $*)"
	fi
done

out=$("$acid" --version 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "acid $version" ]; then
	ok "acid --version prints \"acid $version\""
else
	notok "acid --version prints \"acid $version\" (exit $rc, got \"$out\")"
fi

[ "$pages" -gt 0 ] || notok "pages found in $mandir"
echo "1..$n"
[ "$failed" -eq 0 ]
