#!/bin/sh
# auditd-start.sh: start auditd unless it runs. Prints the pid of an auditd
# this script started (so the caller can stop it again), nothing otherwise.
set -eu
running=$(auditctl -s 2>/dev/null | awk '$1 == "pid" { print $2 }')
if [ -n "$running" ] && [ "$running" != 0 ] && kill -0 "$running" 2>/dev/null; then
	exit 0
fi
mkdir -p /var/log/audit
# No inherited descriptors: auditd keeps whatever it is given open, and a
# daemon holding a caller's pipe (bats has several) makes the caller wait
# for ever. Every descriptor above 2 is closed before the exec.
python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp("auditd", ["auditd", "-s", "enable"])' \
	</dev/null >/dev/null 2>&1
for _ in $(seq 1 50); do
	pid=$(auditctl -s | awk '$1 == "pid" { print $2 }')
	if [ -n "$pid" ] && [ "$pid" != 0 ]; then
		echo "$pid"
		exit 0
	fi
	sleep 0.1
done
echo "auditd-start: auditd did not register with the kernel" >&2
exit 1
