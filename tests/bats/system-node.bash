# The system auditd as a fleet node, for tests/bats/fleet.bats (plain
# sh functions, as in aggregator.bash: each returns non-zero with one line
# on stderr when something fails).
#
# sysnode_become NODE PORT makes the machine's own auditd a node of a
# fleet, configured as a real node is: name_format = user and name = NODE
# in /etc/audit/auditd.conf, the au-remote plugin active, audisp-remote
# sending to 127.0.0.1:PORT. sysnode_restore puts the files back byte for
# byte (content, mode, owner, times) and restarts auditd on them. Never a
# reload (SIGHUP): auditd 3.0.9 was seen to stop feeding newly activated
# plugins after a few.
#
# What a restart does not touch is checked, not assumed: the kernel's
# audit settings (enabled, failure, rate and backlog limits, wait time)
# are the same after each restart as before it, the auditd runs the
# plugins it ran (none, on a Debian default) and its pid file names it.
# Audit rules are the kernel's too: fleet.bats checks that its own rule is
# still there after both restarts.
#
# The saved state is one fixed directory, $SYSNODE_SAVE, made with mkdir:
# it is also the lock (one test at a time owns the system auditd). A run
# killed before its teardown leaves it behind with the original files: the
# next run refuses to start, and says how to put them back. The saved
# state names its owner, $SYSNODE_OWNER (a test sets it to something of
# its own): sysnode_restore leaves another owner's state alone, and
# restores any when SYSNODE_OWNER is unset (by hand).

SYSNODE_SAVE=${ACID_FLEET_SAVE:-/var/tmp/acid-fleet-system-auditd}
SYSNODE_FILES="/etc/audit/auditd.conf /etc/audit/plugins.d/au-remote.conf /etc/audit/audisp-remote.conf"
SYSNODE_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYSNODE_LOG=${ACID_AUDIT_LOG:-/var/log/audit/audit.log}
# the launcher's python: the distribution's, isolated and without site
# (15 ms to start here; a pyenv shim first in PATH took 300)
SYSNODE_PYTHON=${SYSNODE_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
# the backlog limit while auditd restarts (see sysnode_restart)
SYSNODE_BACKLOG=8192
# where sysnode_restart appends, for each restart, four times in ns since
# the epoch: called, SIGTERM sent, the old auditd let go, the new one
# registered
SYSNODE_TIMING=${SYSNODE_TIMING:-/dev/null}

# sysnode_pid: the pid of the auditd registered with the kernel (0: none).
sysnode_pid() {
	auditctl -s | awk '$1 == "pid" { print $2 }'
}

# sysnode_files: the files' sums, modes, owners, sizes and mtimes (to the
# nanosecond).
# shellcheck disable=SC2086
sysnode_files() {
	sha256sum $SYSNODE_FILES &&
		stat -c '%n %a %u:%g %s %y' $SYSNODE_FILES
}

# sysnode_settings: the kernel's audit settings.
sysnode_settings() {
	auditctl -s | awk '$1 ~ /^(enabled|failure|rate_limit|backlog_limit|backlog_wait_time|loginuid_immutable)$/'
}

# sysnode_daemon: the registered auditd's command line, the plugins it
# runs, and whether its pid file names it.
sysnode_daemon() {
	local pid
	pid=$(sysnode_pid)
	echo "command: $(tr '\0' ' ' < "/proc/$pid/cmdline")"
	echo "plugins: $(ps -o comm= --ppid "$pid" | sort | tr '\n' ' ')"
	if [ "$(cat /run/auditd.pid 2>/dev/null)" = "$pid" ]; then
		echo "pid file: names the running auditd"
	else
		echo "pid file: missing or stale"
	fi
}

# sysnode_restart: the running system auditd stopped by its pid (SIGTERM)
# and started again as scripts/auditd-start.sh starts it (every
# descriptor above 2 closed) with the command line it had ("auditd -s
# enable" from .ci/run). One in the foreground (-f, -n: a service
# manager's) is not restarted behind its manager's back: an error. On
# return the new one is registered with the kernel and the old one is
# gone.
#
# From SIGTERM until the new auditd registers, the machine's records are
# lost: the old auditd stops reading the kernel at once, but stays
# registered while it shuts down (its queue written, the log fsync'd);
# what the kernel sends it meanwhile goes with its socket, and what the
# kernel queued for it is dropped when it lets go, as is every record made
# while no auditd is registered: printed to dmesg (rate-limited), kept
# for the next auditd only when the kernel booted with audit=1
# (kernel/audit.c, kauditd_hold_skb). So that time is made short:
# - the log is fsync'd before SIGTERM, so that auditd's own fsync on the
#   way out has little left to write (SIGTERM to let go took 170 to 780
#   ms under load without it, 12 to 50 ms with it);
# - the launcher is up before SIGTERM;
# - the new auditd starts as soon as the old one has let go: auditd 3.0.9
#   unregisters, closes its netlink socket and removes its pid file at its
#   very end; then its exit, which was seen to take 600 ms in D state, is
#   waited for after the new one runs. An old auditd without a pid file is
#   waited for until gone.
# The backlog limit is raised meanwhile and put back to its exact value:
# kauditd waits on an auditd that does not read (100 ms a record on 6.x),
# its retry queue and the backlog are bounded by the limit, and past it
# every process that makes a record waits, up to backlog_wait_time (60 s
# here). The raise spares the machine's processes that wait; it does not
# save the records.
sysnode_restart() {
	local old new launcher t t0 t1 t2 times settings backlog rc=0
	t=$(date +%s%N)
	old=$(sysnode_pid)
	if [ -z "$old" ] || [ "$old" = 0 ]; then
		echo "no system auditd is running" >&2
		return 1
	fi
	settings=$(sysnode_settings)
	backlog=$(printf '%s\n' "$settings" | awk '$1 == "backlog_limit" { print $2 }')
	if [ "$backlog" != 0 ] && [ "$backlog" -lt "$SYSNODE_BACKLOG" ]; then
		auditctl -b "$SYSNODE_BACKLOG" >/dev/null || return 1
	fi
	times=$(mktemp)
	"$SYSNODE_PYTHON" -I -S -c '
import os, signal, sys, time
old, times, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.closerange(3, 65536)
def gone():
	try:
		with open("/proc/%d/stat" % old) as f:
			return f.read().rsplit(")", 1)[1].split()[0] == "Z"
	except OSError:
		return True
def pid_file_names_old():
	try:
		with open("/run/auditd.pid") as f:
			return f.read().strip() == str(old)
	except OSError:
		return False
try:
	fd = os.open(log, os.O_RDONLY)
	os.fsync(fd)
	os.close(fd)
except OSError:
	pass
try:
	with open("/proc/%d/cmdline" % old, "rb") as f:
		argv = [a.decode() for a in f.read().split(b"\0")[:-1]]
except OSError as e:
	sys.exit("the system auditd (pid %d): %s" % (old, e))
if not argv or any(a in ("-f", "-n") for a in argv):
	sys.exit("the system auditd runs as \"%s\": not restarted behind its service manager" % " ".join(argv))
watch_pid_file = pid_file_names_old()
t0 = time.time_ns()
os.kill(old, signal.SIGTERM)
while not gone() and not (watch_pid_file and not pid_file_names_old()):
	if time.time_ns() - t0 > 10 ** 10:
		sys.exit("the system auditd (pid %d) did not stop within 10 s of SIGTERM" % old)
	time.sleep(0.001)
with open(times, "w") as f:
	f.write("%d %d\n" % (t0, time.time_ns()))
os.execvp(argv[0], argv)' "$old" "$times" "$SYSNODE_LOG" \
		</dev/null >/dev/null 2>"$times.err" &
	launcher=$!
	# the launcher, auditd by then, returns once the daemon is registered
	if ! wait "$launcher"; then
		echo "the system auditd did not restart: $(cat "$times.err")" >&2
		rc=1
	fi
	t2=$(date +%s%N)
	[ "$backlog" = "$SYSNODE_BACKLOG" ] || [ "$backlog" = 0 ] ||
		auditctl -b "$backlog" >/dev/null || rc=1
	[ "$rc" = 0 ] || {
		rm -f "$times" "$times.err"
		return 1
	}
	read -r t0 t1 < "$times"
	rm -f "$times" "$times.err"
	new=$(sysnode_pid)
	if [ -z "$new" ] || [ "$new" = 0 ] || [ "$new" = "$old" ]; then
		echo "the system auditd did not register with the kernel again" >&2
		return 1
	fi
	echo "$t $t0 $t1 $t2" >> "$SYSNODE_TIMING"
	if [ "$(sysnode_settings)" != "$settings" ]; then
		echo "the kernel's audit settings changed across the restart: $(sysnode_settings | tr '\n' ' ')" >&2
		return 1
	fi
	for _ in $(seq 1 1000); do
		[ -e "/proc/$old" ] && [ "$(awk '{ print $3 }' "/proc/$old/stat" 2>/dev/null)" != Z ] || return 0
		sleep 0.01
	done
	echo "the old system auditd (pid $old) is still there 10 s after SIGTERM" >&2
	return 1
}

# sysnode_logs_plain: a user record sent now reaches the system log
# as the machine's own, without node=.
sysnode_logs_plain() {
	local tag="acid-sysnode-$$-$RANDOM$RANDOM" line
	auditctl -m "$tag" >/dev/null || return 1
	for _ in $(seq 1 100); do
		line=$(tail -n 2000 "$SYSNODE_LOG" | grep -aF "text=$tag " | grep -aE '^(node=[^ ]+ )?type=USER ' || true)
		[ -n "$line" ] && break
		sleep 0.05
	done
	case $line in
	type=USER\ *) return 0 ;;
	"") echo "the system auditd logs nothing: marker $tag never reached $SYSNODE_LOG" >&2 ;;
	*) echo "the system auditd still logs as a node: $line" >&2 ;;
	esac
	return 1
}

# sysnode_become NODE PORT: the system auditd as node NODE of a fleet
# whose aggregator listens on 127.0.0.1:PORT.
sysnode_become() {
	local node=$1 port=$2 f orig=$SYSNODE_SAVE/orig
	if ! mkdir "$SYSNODE_SAVE" 2>/dev/null; then
		echo "$SYSNODE_SAVE exists: another fleet test owns the system auditd, or one was killed before it restored it (originals in $orig; to put them back: . tests/bats/system-node.bash && sysnode_restore)" >&2
		return 1
	fi
	for f in $SYSNODE_FILES; do
		if [ ! -f "$f" ]; then
			echo "$f is missing (the auditd and audispd-plugins packages install it)" >&2
			rm -rf "$SYSNODE_SAVE"
			return 1
		fi
		mkdir -p "$orig${f%/*}" && cp -p "$f" "$orig$f" || {
			rm -rf "$SYSNODE_SAVE"
			return 1
		}
	done
	{
		echo "${SYSNODE_OWNER:-}" > "$SYSNODE_SAVE/owner" &&
			sysnode_files > "$SYSNODE_SAVE/files" &&
			sysnode_daemon > "$SYSNODE_SAVE/daemon"
	} || {
		rm -rf "$SYSNODE_SAVE"
		return 1
	}
	# from here on sysnode_restore puts everything back; each file is
	# rewritten in place (same inode, mode and owner)
	{
		sed -e '/^[[:space:]]*name_format[[:space:]]*=/d' \
			-e '/^[[:space:]]*name[[:space:]]*=/d' "$orig/etc/audit/auditd.conf" &&
			printf 'name_format = user\nname = %s\n' "$node"
	} > /etc/audit/auditd.conf &&
		{
			sed '/^[[:space:]]*active[[:space:]]*=/d' "$orig/etc/audit/plugins.d/au-remote.conf" &&
				echo 'active = yes'
		} > /etc/audit/plugins.d/au-remote.conf &&
		{
			sed -e '/^[[:space:]]*remote_server[[:space:]]*=/d' \
				-e '/^[[:space:]]*port[[:space:]]*=/d' "$orig/etc/audit/audisp-remote.conf" &&
				printf 'remote_server = 127.0.0.1\nport = %s\n' "$port"
		} > /etc/audit/audisp-remote.conf &&
		sysnode_restart || {
		sysnode_restore
		return 1
	}
}

# sysnode_restore: the files as found, the system auditd restarted on
# them (started if none runs), and everything checked: the saved state is
# removed only then. Nothing to do when nothing was saved, or when another
# owner saved it.
sysnode_restore() {
	local f orig=$SYSNODE_SAVE/orig rc=0 pid
	[ -f "$SYSNODE_SAVE/daemon" ] || return 0
	[ -z "${SYSNODE_OWNER:-}" ] || [ "$(cat "$SYSNODE_SAVE/owner")" = "$SYSNODE_OWNER" ] || return 0
	for f in $SYSNODE_FILES; do
		cp -p "$orig$f" "$f" || rc=1
	done
	pid=$(sysnode_pid)
	if [ -n "$pid" ] && [ "$pid" != 0 ]; then
		sysnode_restart || rc=1
	else
		"$SYSNODE_REPO/scripts/auditd-start.sh" >/dev/null || rc=1
	fi
	sysnode_check || rc=1
	[ "$rc" != 0 ] || rm -rf "$SYSNODE_SAVE"
	return "$rc"
}

# sysnode_check: the files and the auditd as sysnode_become found them,
# and the system auditd logging the machine's records without node=.
sysnode_check() {
	local now
	now=$(sysnode_files; sysnode_daemon)
	if [ "$now" != "$(cat "$SYSNODE_SAVE/files" "$SYSNODE_SAVE/daemon")" ]; then
		echo "the system's audit configuration is not as found: $(cat "$SYSNODE_SAVE/files" "$SYSNODE_SAVE/daemon" | diff - <(printf '%s\n' "$now") | grep '^[<>]' | tr '\n' ' ')" >&2
		return 1
	fi
	sysnode_logs_plain
}
