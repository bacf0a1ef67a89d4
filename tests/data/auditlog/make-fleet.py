#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""fleet.log out of session.log: the same workload on several nodes, as an
aggregating auditd writes it (README.md says what it holds). Run from this
directory: ./make-fleet.py > fleet.log"""
import re

SES = open("session.log", encoding="latin-1").read().rstrip("\n").split("\n")


def serial(line):
    return int(re.search(r"msg=audit\(\d+\.\d+:(\d+)\)", line).group(1))


def restamp(line, n):
    """Serial n, dated as every serial in these logs is."""
    stamp = "msg=audit(%d.%03d:%d)" % (1795861416 + n // 50, n * 4 % 1000, n)
    return re.sub(r"msg=audit\(\d+\.\d+:\d+\)", stamp, line, count=1)


def node(name, lines):
    return ["node=%s %s" % (name, l) for l in lines]


def interleave(a, b):
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i:i + 1] + b[i:i + 1]
    return out


TAGGED = "33333333-4444-4555-8666-777777777777"
PLAIN = "33333333-4444-4555-8666-888888888888"

# node-a: session.log as it is; node-b: the same records (same pids,
# sessions, serials), tagged under another ID and without its stop record,
# plain under the same ID.
a = node("node-a", SES)
b = node("node-b", [l.replace(TAGGED, "33333333-4444-4555-8666-77777777bbbb")
                    for l in SES
                    if not ("op=stop" in l and TAGGED in l)])
out = interleave(a, b)

# the local node (no node=): processes with the containers' pids and
# session, none of them the containers'
local = [restamp(l, serial(l) + 100) for l in SES if serial(l) in (65, 71)]
out = out[:40] + local + out[40:]

# two node names with one 32-bit FNV-1a hash: two nodes still
plain = [l for l in SES if serial(l) in (69, 70, 71, 74, 75)]
hashed = node("host-139599",
              [restamp(l.replace(PLAIN, "33333333-4444-4555-8666-999999999999")
                       .replace('vm="plain"', 'vm="hashed"'), serial(l) + 20)
               for l in plain])
other = node("host-322382", [restamp(l, serial(l) + 40) for l in plain
                             if serial(l) in (70, 71, 74)])
out += interleave(hashed, other)
import sys
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("latin-1"))
