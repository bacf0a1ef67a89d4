# A private auditd that runs plugins, fed by audisp-remote: shared by
# tests/bats/plugin-auditd.bats and bench/bench-laurel.sh (plain sh
# functions: no bats in here; each returns non-zero with one line on
# stderr when something does not come up).
#
# The auditd is a network-only aggregator (local_events = no, a loopback
# port of its own, distribute_network = yes so that what it receives goes
# to its plugins), in its own user and mount namespace with a private
# /run: it never touches the system auditd's pid file, the kernel's audit
# settings or /etc/audit/plugins.d (plugin_dir is its own). The system
# auditd is shared by everyone on the machine: no plugin is ever added to
# it. Records reach the aggregator through standalone audisp-remote
# senders, each with its own audisp-remote.conf bind-mounted over the
# compiled-in path in a private mount namespace.

# agg_free_port: a free loopback port (asked of the kernel, then let go).
agg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# agg_plugin DIR NAME PATH [ARGS]: a plugin file DIR/plugins.d/NAME.conf
# (auditd 3.0.9 passes at most two args).
agg_plugin() {
	mkdir -p "$1/plugins.d"
	cat > "$1/plugins.d/$2.conf" <<-EOF
	active = yes
	direction = out
	path = $3
	type = always
	format = string
	${4:+args = $4}
	EOF
	chmod 0640 "$1/plugins.d/$2.conf"
}

# agg_start DIR [STATE_DIR]: the aggregator auditd on a free port, config
# and log in DIR, plugins from DIR/plugins.d (agg_plugin before this).
# STATE_DIR: an acid registry its plugins see as /run/acid (the default
# one, which audisp-acid seeds from; the private /run hides the host's).
# Writes DIR/port and DIR/auditd.pid; waits for DAEMON_START and the port.
agg_start() {
	local dir=$1 state=${2:-} port i
	mkdir -p "$dir/plugins.d"
	port=$(agg_free_port) || return 1
	echo "$port" > "$dir/port"
	cat > "$dir/auditd.conf" <<-EOF
	local_events = no
	write_logs = yes
	log_file = $dir/audit.log
	log_format = ENRICHED
	flush = INCREMENTAL_ASYNC
	freq = 1
	num_logs = 0
	max_log_file = 0
	max_log_file_action = IGNORE
	name_format = NONE
	space_left = 2
	space_left_action = IGNORE
	admin_space_left = 1
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	priority_boost = 0
	tcp_listen_port = $port
	tcp_listen_queue = 5
	tcp_max_per_addr = 4
	tcp_client_max_idle = 0
	use_libwrap = no
	transport = TCP
	distribute_network = yes
	q_depth = 80000
	overflow_action = SYSLOG
	max_restarts = 0
	plugin_dir = $dir/plugins.d
	end_of_event_timeout = 2
	EOF
	chmod 0640 "$dir/auditd.conf"
	# auditd keeps whatever descriptors it is given: none but 0-2;
	# setsid, unshare and sh exec in place, so $! is the auditd's pid
	setsid unshare -U -r -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /run &&
		{ [ -z "$1" ] || { mkdir /run/acid && mount --bind "$1" /run/acid; }; } &&
		exec python3 -c "import os, sys; os.closerange(3, 65536); os.execvp(\"auditd\", [\"auditd\", \"-n\", \"-c\", sys.argv[1]])" "$0"' \
		"$dir" "$state" </dev/null >"$dir/auditd.out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo $! > "$dir/auditd.pid"
	for i in $(seq 1 50); do
		grep -q "^type=DAEMON_START" "$dir/audit.log" 2>/dev/null &&
			python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null &&
			break
		sleep 0.1
	done
	if [ "$(cat "/proc/$(cat "$dir/auditd.pid")/comm" 2>/dev/null)" != auditd ] ||
		! grep -q "^type=DAEMON_START" "$dir/audit.log"; then
		echo "the aggregator auditd did not start: $(cat "$dir/auditd.out")" >&2
		return 1
	fi
}

# agg_stop_pid PIDFILE: the process it names, by its pid, and wait for it.
agg_stop_pid() {
	local pid i
	pid=$(cat "$1" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# agg_stop DIR: the senders, then the aggregator (which ends its plugins).
agg_stop() {
	local f
	for f in "$1"/remote-*.pid; do
		[ -e "$f" ] && agg_stop_pid "$f"
	done
	agg_stop_pid "$1/auditd.pid"
}

# agg_remote DIR NAME: a standalone audisp-remote sending to the
# aggregator of DIR what is written to the fifo DIR/remote-NAME.in (the
# caller opens it for writing, and closes it to end the sender).
agg_remote() {
	local dir=$1 name=$2
	cat > "$dir/remote-$name.conf" <<-EOF
	remote_server = 127.0.0.1
	port = $(cat "$dir/port")
	transport = tcp
	queue_file = $dir/remote-$name.queue
	mode = immediate
	queue_depth = 200000
	format = managed
	network_retry_time = 1
	max_tries_per_record = 3
	max_time_per_record = 5
	heartbeat_timeout = 0
	network_failure_action = syslog
	disk_low_action = ignore
	disk_full_action = ignore
	disk_error_action = syslog
	remote_ending_action = reconnect
	generic_error_action = syslog
	generic_warning_action = syslog
	queue_error_action = syslog
	overflow_action = syslog
	startup_failure_action = warn_once_continue
	EOF
	mkfifo "$dir/remote-$name.in"
	unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/audit/audisp-remote.conf && exec audisp-remote' \
		"$dir/remote-$name.conf" <"$dir/remote-$name.in" \
		>"$dir/remote-$name.out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	echo $! > "$dir/remote-$name.pid"
}
