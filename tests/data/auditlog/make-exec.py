#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes exec.log (README.md: "exec.log"): processes that join a running
container from outside - runc exec, in the shape a real runc 1.1 exec has
under the rules setns, clone, clone3 and execve (captured with ausearch
--raw on Debian 12, pids renumbered): runc exec forks its init stage 0,
which clones stage 1 with CLONE_PARENT (a0=8011: the sibling, child of
runc exec); stage 1 setns()s into the container's namespaces and clones
stage 2 with CLONE_PARENT again; stage 2 execs the user's command, its
ppid the runc exec process on the host; its own clone3 calls return pids
of the container's pid namespace. The plugin's op=exec links come after
the records they name in trigger=; acid-exec's reason=session link
before the runtime. Run it from this directory: python3 make-exec.py"""

RS = "\x1d"
serial = 200
lines = []
table = []


def stamp(n):
    return "%d.%03d:%d" % (1795861416 + n // 50, n * 4 % 1000, n)


def syscall(nr, name, pid, ppid, exit_, a=("0", "0", "0", "0"), ses=4294967295,
            comm="sh", exe="/bin/busybox", items=0, success="yes"):
    return ("type=SYSCALL msg=audit(%s): arch=c000003e syscall=%d success=%s "
            "exit=%s a0=%s a1=%s a2=%s a3=%s items=%d ppid=%d pid=%d "
            "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
            "fsgid=0 tty=(none) ses=%d comm=\"%s\" exe=\"%s\" key=\"acid\"%s"
            "ARCH=x86_64 SYSCALL=%s AUID=\"unset\" UID=\"root\" GID=\"root\" "
            "EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" "
            "SGID=\"root\" FSGID=\"root\""
            % (stamp(serial), nr, success, exit_, a[0], a[1], a[2], a[3],
               items, ppid, pid, ses, comm, exe, RS, name))


def event(what, want, recs):
    global serial
    for r in recs:
        lines.append(r)
    table.append((serial, what, want))
    serial += 1


def execve(pid, ppid, argv, what, want, ses=4294967295, comm=None,
           exe="/bin/busybox"):
    comm = comm or argv[0].split("/")[-1]
    s = stamp(serial)
    recs = [syscall(59, "execve", pid, ppid, 0,
                    ("c0000b87d8", "c0000246c0", "c0000246e0", "0"),
                    ses=ses, comm=comm, exe=exe, items=1)]
    recs.append("type=EXECVE msg=audit(%s): argc=%d %s%s" % (
        s, len(argv), " ".join('a%d="%s"' % (i, v) for i, v in enumerate(argv)), RS))
    recs.append('type=CWD msg=audit(%s): cwd="/"%s' % (s, RS))
    recs.append('type=PATH msg=audit(%s): item=0 name="%s" inode=1054611 '
                'dev=00:2a mode=0100755 ouid=0 ogid=0 rdev=00:00 '
                'nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 '
                'cap_frootid=0%sOUID="root" OGID="root"' % (s, argv[0], RS))
    recs.append("type=PROCTITLE msg=audit(%s): proctitle=%s%s" % (
        s, "00".join(v.encode().hex().upper() for v in argv), RS))
    event(what, want, recs)


def clone(pid, ppid, child, flags, what, want, comm, exe="/", ses=4294967295,
          nr=56, name="clone"):
    a = (flags, "7ffeff82d640", "0", "0") if nr == 56 else \
        ("7ffeff82d330", "58", "7ff0b39c6ef0", "8")
    event(what, want, [syscall(nr, name, pid, ppid, child, a, ses=ses,
                               comm=comm, exe=exe)])


def setns(pid, ppid, fd, nstype, what, want):
    event(what, want, [syscall(308, "setns", pid, ppid, 0,
                               (fd, nstype, nstype, "7ff0b394ad58"),
                               comm="runc:[1:CHILD]", exe="/")])


def user(typ, pid, ses, text, what, want, node=None):
    rec = ("type=%s msg=audit(%s): pid=%d uid=0 auid=4294967295 ses=%d "
           "msg='%s'%sUID=\"root\" AUID=\"unset\""
           % (typ, stamp(serial), pid, ses, text, RS))
    if node:
        rec = "node=%s %s" % (node, rec)
    event(what, want, [rec])


NS = ("ns-dev=0:4 cgroup-ns=4026531835 ipc-ns=4026532179 mnt-ns=4026532177 "
      "net-ns=4026532181 pid-ns=4026532180 pid-child-ns=4026532180 "
      "time-ns=4026531834 time-child-ns=4026531834 user-ns=4026531837 "
      "uts-ns=4026532178")
TAIL = "hostname=? addr=? terminal=? res=success"
HOOK = 'exe="/usr/local/libexec/oci/hooks.d/acid-prestart"'
POST = 'exe="/usr/local/libexec/oci/hooks.d/acid-poststop"'
PLUGIN = 'exe="/usr/local/sbin/audisp-acid"'
ACIDEXEC = 'exe="/usr/local/bin/acid-exec"'
JOINED = "55555555-6666-4777-8888-999999999991"
SESS = "55555555-6666-4777-8888-999999999992"
QUIET = "55555555-6666-4777-8888-999999999993"
LATE = "55555555-6666-4777-8888-999999999994"
FAKE = "55555555-6666-4777-8888-999999999995"
UNKNOWN = "55555555-6666-4777-8888-999999999999"


def start(sender, name, uuid, vmpid, ses=4294967295, tag=""):
    user("VIRT_CONTROL", sender, ses,
         'virt=oci op=start reason=register vm="%s" uuid=%s vm-pid=%d %s '
         'bundle="/srv/b"%s %s %s' % (name, uuid, vmpid, NS, tag, HOOK, TAIL),
         "start record of %s" % name, "own")


def stop(sender, name, uuid, vmpid, ses=4294967295):
    user("VIRT_CONTROL", sender, ses,
         'virt=oci op=stop reason=exit vm="%s" uuid=%s vm-pid=%d %s %s'
         % (name, uuid, vmpid, POST, TAIL), "stop record of %s" % name, "own")


def link(sender, name, uuid, vmpid, reason, task, what, want, ses_tag=None,
         trigger=None, exe=PLUGIN, ses=4294967295, node=None):
    extra = ""
    if ses_tag:
        extra += " ses-tag=%d" % ses_tag
    if trigger is not None:
        extra += " trigger=%s" % stamp(trigger)
    user("VIRT_CONTROL", sender, ses,
         'virt=oci op=exec reason=%s vm="%s" uuid=%s vm-pid=%d task-pid=%d%s '
         '%s %s' % (reason, name, uuid, vmpid, task, extra, exe, TAIL),
         what, want, node=node)


def nsrec(sender, name, uuid, vmpid, task, what, want):
    user("VIRT_RESOURCE", sender, 4294967295,
         'virt=oci resrc=ns reason=unshare vm="%s" uuid=%s vm-pid=%d '
         'task-pid=%d old-net-ns=4026532181 new-net-ns=4026532301 %s %s'
         % (name, uuid, vmpid, task, PLUGIN, TAIL), what, want)


# --- joined: vm-pid 5398, no session tag ---------------------------------
clone(5388, 5103, 5398, "4111", "runc run clones the init (before start)",
      "no", "runc", "/usr/sbin/runc")
start(5390, "joined", JOINED, 5398)
execve(5398, 5388, ["sh", "-c", "sleep 30"], "the init execs sh", "joined")
clone(5398, 5388, 2, None, "the init's clone3: exit 2, a pid of its own pid "
      "namespace", "joined", "sh", "/bin/busybox", nr=435, name="clone3")
# runc exec #1: the plugin links the exec'd process, trigger = its execve
execve(5411, 5103, ["runc", "exec", "joined", "sh", "-c", "cat /CTR.exec"],
       "host: runc exec", "no", exe="/usr/sbin/runc")
clone(5411, 5103, 5418, "4111", "runc exec forks its init stage 0", "no",
      "runc", "/usr/sbin/runc")
execve(5418, 5411, ["runc", "init"], "stage 0 execs runc init", "no",
       comm="exe", exe="/usr/sbin/runc")
clone(5418, 5411, 5419, "8011", "stage 0 clones stage 1 (CLONE_PARENT)",
      "no", "runc:[0:PARENT]")
for fd, t in (("6", "8000000"), ("9", "4000000"), ("a", "40000000"),
              ("b", "20000000"), ("c", "20000")):
    setns(5419, 5411, fd, t, "stage 1 setns (not linked itself)", "no")
clone(5419, 5411, 5420, "8011", "stage 1 clones stage 2 (CLONE_PARENT): "
      "5420, whose parent is runc exec", "no", "runc:[1:CHILD]")
TRIG1 = serial
execve(5420, 5411, ["sh", "-c", "cat /CTR.exec"], "stage 2 execs the "
       "command, ppid runc exec: the link's trigger", "joined (pre-scan)")
clone(5420, 5411, 7, None, "5420's clone3: exit 7, a pid of the "
      "container's namespace", "joined (pre-scan)", "sh", "/bin/busybox",
      nr=435, name="clone3")
user("USER_ACCT", 7, 4294967295, "op=PAM:accounting acct=\"root\" "
     "exe=\"/usr/sbin/cron\" hostname=? addr=? terminal=cron res=success",
     "host pid 7 (no ppid): not the container's 7", "no")
link(900, "joined", JOINED, 5398, "setns", 5420, "the plugin's link of "
     "5420, trigger = its execve", "own", trigger=TRIG1)
execve(5421, 5420, ["ls", "/CTR.child"], "a child of 5420", "joined")
execve(6000, 1, ["cat", "/HOST.exec"], "host: the same command", "no")
# runc exec #2: the plugin links the joiner, trigger = its first setns
execve(5431, 5103, ["runc", "exec", "joined", "sh", "-c", "cat /CTR.exec2"],
       "host: runc exec", "no", exe="/usr/sbin/runc")
clone(5431, 5103, 5438, "4111", "runc exec forks stage 0", "no", "runc",
      "/usr/sbin/runc")
execve(5438, 5431, ["runc", "init"], "stage 0 execs runc init", "no",
       comm="exe", exe="/usr/sbin/runc")
clone(5438, 5431, 5439, "8011", "stage 0 clones stage 1 (CLONE_PARENT)",
      "no", "runc:[0:PARENT]")
TRIG2 = serial
setns(5439, 5431, "6", "8000000", "stage 1's first setns: the trigger",
      "joined (pre-scan)")
setns(5439, 5431, "c", "20000", "stage 1 setns mnt", "joined (pre-scan)")
clone(5439, 5431, 5440, "8011", "stage 1 clones stage 2 (CLONE_PARENT): "
      "5440 joins S, its parent runc exec", "joined (pre-scan)",
      "runc:[1:CHILD]")
execve(5440, 5431, ["sh", "-c", "cat /CTR.exec2"], "stage 2 execs, ppid "
       "runc exec", "joined (pre-scan)")
link(900, "joined", JOINED, 5398, "setns", 5439, "the plugin's link of "
     "the joiner 5439, trigger = its first setns", "own", trigger=TRIG2)
execve(5399, 5398, ["sh"], "the init's child 5399", "joined")

# --- sess: vm-pid 6398, ses-tag 70; acid-exec links session 77 -----------
start(6390, "sess", SESS, 6398, ses=70, tag=" ses-tag=70")
execve(6398, 6388, ["sh"], "sess's init (session 70)", "sess", ses=70)
execve(6409, 6405, ["true"], "session 77 before its link", "no", ses=77)
link(6411, "sess", SESS, 6398, "session", 6411, "acid-exec's link: "
     "session 77, task-pid 6411", "own", ses_tag=77, exe=ACIDEXEC, ses=77)
execve(6411, 6405, ["runc", "exec", "sess", "id"], "runc exec under "
       "acid-exec (session 77)", "sess", ses=77, exe="/usr/sbin/runc")
execve(6420, 6411, ["id"], "its command (session 77)", "sess", ses=77)
execve(6430, 6100, ["nsenter", "-t", "6398", "-a", "cat", "/CTR.nsenter"],
       "nsenter, before its link", "no")
link(900, "sess", SESS, 6398, "setns", 6430, "the plugin's link of 6430, no "
     "trigger", "own")
execve(6431, 6430, ["cat", "/CTR.nsenter"], "6430's child, no session of "
       "sess: by S", "sess")
execve(6500, 1, ["true"], "host, session 5", "no", ses=5)
link(5399, "sess", SESS, 6398, "setns", 6001, "a link sent from inside "
     "joined (5399): forged?, not applied", "own (joined's event)",
     exe='exe="/bin/busybox"')
execve(6001, 1, ["cat", "/HOST.forged"], "the pid the forged link named",
       "no")
link(900, "ghost", UNKNOWN, 8398, "setns", 6002, "a link for an ID with no "
     "run: warning, ignored", "no")
link(900, "joined", JOINED, 5398, "setns", 6003, "a link of node other "
     "for joined's ID: warning, not applied here", "no", node="other")
execve(6003, 1, ["cat", "/HOST.other"], "the pid the other node's link "
       "named", "no")

# --- quiet: vm-pid 7398; namespace changes ------------------------------
start(7390, "quiet", QUIET, 7398)
nsrec(900, "joined", JOINED, 5398, 5399, "resrc=ns: 5399 unshared its net "
      "namespace (the plugin)", "joined")
nsrec(5399, "quiet", QUIET, 7398, 7399, "resrc=ns for quiet sent from "
      "inside joined: forged?, not counted", "own (joined's event)")
stop(5391, "joined", JOINED, 5398)
execve(5420, 5411, ["cat", "/AFTER.stop"], "5420 after joined's stop", "no")
stop(6391, "sess", SESS, 6398, ses=70)
execve(6431, 6430, ["true"], "6431 after sess's stop", "no")
stop(7391, "quiet", QUIET, 7398)

# --- late: a joined process sends an acid record: from inside ----------
start(8390, "late", LATE, 8398)
execve(8411, 5103, ["runc", "exec", "late", "sh"], "host: runc exec", "no",
       exe="/usr/sbin/runc")
TRIG3 = serial
execve(8420, 8411, ["sh"], "runc exec's process execs sh: the link's "
       "trigger", "late (pre-scan)")
user("VIRT_CONTROL", 8420, 4294967295,
     'virt=oci op=start reason=register vm="fake" uuid=%s vm-pid=8500 %s '
     'exe="/bin/busybox" %s' % (FAKE, NS, TAIL), "start record of fake sent "
     "by 8420, joined to late: forged? (pre-scan)", "own; late (pre-scan)")
link(900, "late", LATE, 8398, "setns", 8420, "the plugin's link of 8420, "
     "trigger = its execve", "own", trigger=TRIG3)
stop(8391, "late", LATE, 8398)
stop(8392, "fake", FAKE, 8500)

with open("exec.log", "w") as f:
    f.write("\n".join(lines) + "\n")
for n, what, want in table:
    print("| %d | %s | %s |" % (n, what, want))
