# The unprivileged attacker of tests/bats/handoff.bats, run as another
# user (setpriv) with this file on standard input:
#
#   python3 - squat PIDFILE STATEDIR   take acid-exec's hand-off names first
#   python3 - stall PIDFILE STATEDIR   hold connections to it, saying nothing
#
# PIDFILE holds the pid acid-exec will have (squat) or has (stall), as any
# local user can learn it from /proc. The names tried: the abstract socket
# "acid-exec/<pid>" and STATEDIR/exec-<pid>.sock. One line says what was
# done ("squatting ..." / "stalling ..." / "refused ..."); then it holds on
# until killed.
import errno
import os
import socket
import sys
import threading
import time


def names(pid, state):
    return [("abstract acid-exec/%d" % pid, "\0acid-exec/%d" % pid),
            ("%s/exec-%d.sock" % (state, pid), "%s/exec-%d.sock" % (state, pid))]


def err(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def say(line):
    print(line, flush=True)


def squat(pid, state):
    held, tried = [], []
    for what, addr in names(pid, state):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.bind(addr)
            s.listen(64)
            held.append((what, s))
        except OSError as e:
            tried.append("%s: %s" % (what, err(e)))
            s.close()
    say("squatting [%s] refused [%s]" % (", ".join(w for w, _ in held),
                                        ", ".join(tried)))
    # accept whoever comes, answer nothing
    conns = []
    while True:
        for _, s in held:
            s.setblocking(False)
            try:
                conns.append(s.accept()[0])
            except OSError:
                pass
        time.sleep(0.05)


def stall(pid, state):
    # the first name that takes a connection (acid-exec listens by now);
    # give up after 1 s
    target, tried = None, []
    end = time.time() + 1
    while target is None and time.time() < end:
        tried = []
        for what, addr in names(pid, state):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(addr)
                target = (what, addr)
                s.close()
                break
            except OSError as e:
                tried.append("%s: %s" % (what, err(e)))
                s.close()
        if target is None:
            time.sleep(0.1)
    if target is None:
        say("refused [%s]" % ", ".join(tried))
        while True:
            time.sleep(1)
    held = []

    def flood():
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(target[1])	# blocks while the backlog is full
                held.append(s)		# and says nothing
            except OSError:
                s.close()
                time.sleep(0.01)
            if len(held) > 400:
                held.pop(0).close()

    for _ in range(8):
        threading.Thread(target=flood, daemon=True).start()
    time.sleep(0.5)
    say("stalling %s with %d silent connections" % (target[0], len(held)))
    while True:
        time.sleep(1)


def main():
    mode, pidfile, state = sys.argv[1], sys.argv[2], sys.argv[3]
    end = time.time() + 10
    while not os.path.exists(pidfile) and time.time() < end:
        time.sleep(0.02)
    pid = int(open(pidfile).read())
    {"squat": squat, "stall": stall}[mode](pid, state)


main()
