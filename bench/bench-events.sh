#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-events.sh [BUILD_DIR] [RUNS]: acid events against ausearch on a big
# audit log.
#
# Makes a log of SIZE_MB (default 1100) MiB under /tmp from real records:
# SYSCALL groups (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, ...) that the
# kernel writes on this machine for a few commands (caught with a rule of
# our own, removed at once; without root or auditd the groups of
# tests/data/auditlog are used), replicated and renumbered - serials,
# times, pids forking into a pool of 3000 processes in 500 sessions - with
# acid start and stop records: containers attributed by ancestry, and one
# whose runtime ran under acid-exec (ses-tag=N) from 1% to 99% of the log.
#
# Then, RUNS times (default 5), alternately:
#   acid events UUID --input LOG --raw
#   ausearch --session N --input LOG --raw
# both into /dev/null, and prints the medians and their ratio. Target:
# acid no slower than ausearch (ratio <= 1). Before timing, both are run
# once into files and must list the same events (serials counted), and
# acid --no-prefilter (libauparse on every line, the reference) once for
# the record. The log is deleted at the end, also on failure.
#
# ACID_BIN overrides BUILD_DIR/tools/acid.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
runs=${2:-5}
size_mb=${SIZE_MB:-1100}
acid=${ACID_BIN:-$build/tools/acid}

die() { echo "bench-events.sh: $*" >&2; exit 1; }
[ -x "$acid" ] || die "no acid tool at $acid (ninja -C $build, or ACID_BIN=...)"
command -v ausearch >/dev/null || die "ausearch not found (package auditd)"
command -v perl >/dev/null || die "perl not found"

work=$(mktemp -d /tmp/acid-bench-events.XXXXXX)
rule_key=acid-bench-events-$$
rule_on=false
cleanup() {
	if $rule_on; then
		auditctl -d always,exit -F arch=b64 -S execve -k "$rule_key" >/dev/null 2>&1 || true
		auditctl -d always,exit -F arch=b64 -S clone,fork,vfork,clone3 -k "$rule_key" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# ------------------------------------------------------------ real records
templates=$work/templates.log
if [ "$(id -u)" = 0 ] && auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; then
	rule_on=true
	auditctl -a always,exit -F arch=b64 -S execve -k "$rule_key" >/dev/null
	auditctl -a always,exit -F arch=b64 -S clone,fork,vfork,clone3 -k "$rule_key" >/dev/null
	sh -c '/bin/ls -d / >/dev/null; /bin/cat /dev/null; /bin/date >/dev/null;
	       (sleep 0.1; /bin/uname >/dev/null) & /bin/busybox true; wait'
	auditctl -d always,exit -F arch=b64 -S execve -k "$rule_key" >/dev/null
	auditctl -d always,exit -F arch=b64 -S clone,fork,vfork,clone3 -k "$rule_key" >/dev/null
	rule_on=false
	for _ in $(seq 1 50); do
		ausearch -k "$rule_key" --raw > "$templates" 2>/dev/null || true
		[ "$(grep -c '^type=SYSCALL .*syscall=59 ' "$templates" || true)" -ge 5 ] && break
		sleep 0.2
	done
fi
if [ "$(grep -c '^type=SYSCALL ' "$templates" 2>/dev/null || true)" -lt 5 ]; then
	echo "(no live records: the groups of tests/data/auditlog serve as templates)"
	cat tests/data/auditlog/ancestry.log tests/data/auditlog/session.log > "$templates"
fi

# ---------------------------------------------------------------- the log
log=$work/audit.log
target_ses=777777
target_uuid=0badcafe-0000-4000-8000-00000000beef
echo "making a ${size_mb} MiB log from $(grep -c '^type=SYSCALL ' "$templates") real events ..."
t0=$(date +%s)
perl - "$templates" "$log" "$size_mb" "$target_ses" "$target_uuid" <<'PERL'
use strict;
use warnings;
my ($tfile, $out, $size_mb, $tses, $tuuid) = @ARGV;
srand(42);

# the real events, grouped by serial; their subject fields made slots
my (%g, @order);
open(my $in, '<', $tfile) or die "$tfile: $!";
while (<$in>) {
	chomp;
	next unless /msg=audit\(\d+\.\d+:(\d+)\)/;
	push @order, $1 unless $g{$1};
	push @{$g{$1}}, $_;
}
close $in;
my @tmpl;
for my $s (@order) {
	my @l = @{$g{$s}};
	next unless grep { /^type=SYSCALL / } @l;
	for (@l) {
		s/msg=audit\(\d+\.\d+:\d+\)/msg=audit(\x01S)/;
		if (/^type=SYSCALL /) {
			s/ ppid=\d+/ ppid=\x01P/;
			s/ pid=\d+/ pid=\x01I/;
			s/ ses=\d+/ ses=\x01E/;
		}
	}
	push @tmpl, join("\n", @l) . "\n";
}
die "no SYSCALL events in $tfile\n" unless @tmpl;

my $ns = "ns-dev=0:4 cgroup-ns=4026531835 ipc-ns=4026532179 mnt-ns=4026532177 " .
	 "net-ns=4026532181 pid-ns=4026532180 pid-child-ns=4026532180 " .
	 "time-ns=4026531834 time-child-ns=4026531834 user-ns=4026531837 uts-ns=4026532178";
sub acid_rec {
	my ($stamp, $op, $sender, $ses, $name, $uuid, $vmpid, $tag) = @_;
	my $extra = $op eq 'start' ? " $ns bundle=\"/srv/$name\"" . ($tag ? " ses-tag=$tag" : "") : "";
	my $reason = $op eq 'start' ? 'register' : 'exit';
	my $hook = $op eq 'start' ? 'acid-prestart' : 'acid-poststop';
	return "type=VIRT_CONTROL msg=audit($stamp): pid=$sender uid=0 auid=4294967295 ses=$ses " .
	       "msg='virt=oci op=$op reason=$reason vm=\"$name\" uuid=$uuid vm-pid=$vmpid$extra " .
	       "exe=\"/usr/local/libexec/oci/hooks.d/$hook\" hostname=? addr=? terminal=? res=success'" .
	       "\x1dUID=\"root\" AUID=\"unset\"\n";
}

my $next = 300;
sub newpid { $next++; $next = 300 if $next > 4194000; return $next; }
my @pool = map { [newpid(), 1 + int(rand(300)), rand() < 0.2 ? 4294967295 : 1 + int(rand(500))] } 1 .. 3000;
my (@tpool, $tvm);
my ($t, $ms, $serial) = (1795900000, 0, 1000000);
my $target = $size_mb * 1048576;
my ($written, $started, $stopped, $nctr) = (0, 0, 0, 0);
my %open;	# ancestry containers: uuid -> [name, vm-pid]
open(my $o, '>', $out) or die "$out: $!";
while ($written < $target) {
	$serial++;
	$ms += 1 + int(rand(3));
	if ($ms >= 1000) { $ms -= 1000; $t++; }
	my $stamp = sprintf("%d.%03d:%d", $t, $ms, $serial);
	my $x;
	if (!$started && $written > $target * 0.01) {
		# the runtime under acid-exec: the hook is in the session too
		$tvm = newpid();
		$x = acid_rec($stamp, 'start', newpid(), $tses, "tagged", $tuuid, $tvm, $tses);
		@tpool = map { [newpid(), $tvm, $tses] } 1 .. 30;
		$started = 1;
	} elsif ($started && !$stopped && $written > $target * 0.99) {
		$x = acid_rec($stamp, 'stop', newpid(), $tses, "tagged", $tuuid, $tvm);
		@tpool = ();
		$stopped = 1;
	} elsif (rand() < 0.00005) {
		# a container attributed by ancestry starts or stops
		my @u = keys %open;
		if (@u && rand() < 0.5) {
			my $u = $u[int(rand(@u))];
			$x = acid_rec($stamp, 'stop', newpid(), 4294967295, $open{$u}[0], $u, $open{$u}[1]);
			delete $open{$u};
		} else {
			my $p = $pool[int(rand(@pool))];
			my $u = sprintf("%08x-0000-4000-8000-%012x", $$, ++$nctr);
			$open{$u} = ["ctr-$nctr", $p->[0]];
			$x = acid_rec($stamp, 'start', newpid(), 4294967295, "ctr-$nctr", $u, $p->[0]);
		}
	} else {
		my $p = @tpool && rand() < 0.01 ? $tpool[int(rand(@tpool))] : $pool[int(rand(@pool))];
		# processes fork and exec: a child takes a slot in the pool
		if (rand() < 0.05) {
			my $c = [newpid(), $p->[0], $p->[2]];
			if ($p->[2] == $tses && @tpool) {
				$tpool[int(rand(@tpool))] = $c;
			} else {
				$pool[int(rand(@pool))] = $c;
			}
			$p = $c;
		}
		($x = $tmpl[int(rand(@tmpl))]) =~
			s/\x01([SPIE])/$1 eq 'S' ? $stamp : $1 eq 'P' ? $p->[1] : $1 eq 'I' ? $p->[0] : $p->[2]/ge;
	}
	print $o $x;
	$written += length $x;
}
close $o or die "$out: $!";
PERL
echo "log: $(du -m "$log" | cut -f1) MiB, $(wc -l < "$log") lines, made in $(($(date +%s) - t0)) s"

# ----------------------------------------------------------- same answer
serials() { grep -ao 'msg=audit([0-9.]*:[0-9]*)' "$1" | sed 's/.*:\([0-9]*\))/\1/' | sort -n -u; }
"$acid" events "$target_uuid" --input "$log" --raw > "$work/acid.out"
ausearch --session "$target_ses" --input "$log" --raw > "$work/ausearch.out"
serials "$work/acid.out" > "$work/acid.serials"
serials "$work/ausearch.out" > "$work/ausearch.serials"
n_acid=$(wc -l < "$work/acid.serials")
n_aus=$(wc -l < "$work/ausearch.serials")
echo "events: acid events $n_acid, ausearch --session $n_aus"
cmp -s "$work/acid.serials" "$work/ausearch.serials" ||
	die "acid events and ausearch --session list different events"
cmp -s <(sort "$work/acid.out") <(sort "$work/ausearch.out") ||
	die "acid events and ausearch --session print different lines"
echo "same events, same lines"

t_ref0=$(date +%s%N)
"$acid" events "$target_uuid" --input "$log" --raw --no-prefilter > "$work/ref.out"
t_ref1=$(date +%s%N)
cmp -s "$work/acid.out" "$work/ref.out" || die "--no-prefilter gives other lines"
rm -f "$work"/*.out

# ----------------------------------------------------------------- timing
ms() { echo $((($2 - $1) / 1000000)); }
: > "$work/times"
for i in $(seq 1 "$runs"); do
	a0=$(date +%s%N)
	"$acid" events "$target_uuid" --input "$log" --raw > /dev/null
	a1=$(date +%s%N)
	ausearch --session "$target_ses" --input "$log" --raw > /dev/null
	a2=$(date +%s%N)
	echo "$(ms "$a0" "$a1") $(ms "$a1" "$a2")" >> "$work/times"
	echo "run $i: acid $(ms "$a0" "$a1") ms, ausearch $(ms "$a1" "$a2") ms"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_acid=$(cut -d' ' -f1 "$work/times" | median)
m_aus=$(cut -d' ' -f2 "$work/times" | median)
echo
echo "log                          ${size_mb} MiB, $n_acid events of session $target_ses"
echo "acid events (median)         $m_acid ms"
echo "ausearch --session (median)  $m_aus ms"
echo "acid --no-prefilter (once)   $(ms "$t_ref0" "$t_ref1") ms"
awk -v a="$m_acid" -v s="$m_aus" 'BEGIN { printf "ratio acid / ausearch        %.3f (target <= 1)\n", a / s }'
