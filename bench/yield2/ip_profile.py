#!/usr/bin/env python3
"""Per-instruction share of one symbol's samples in concurrent vs solo windows (see
concurrency_profile.py). Usage: perf script -F comm,tid,time,ip,sym | this.py PREFIX WINDOW_MS SYMBOL_SUBSTRING"""
import sys, collections, re
prefix, win, want = sys.argv[1], float(sys.argv[2]) / 1000, sys.argv[3]
bins = collections.defaultdict(list)
line_re = re.compile(r'^\s*(\S+)\s+(\d+)\s+([\d.]+):\s*([0-9a-f]+)\s+(.*)$')
for line in sys.stdin:
    m = line_re.match(line)
    if not m or not m.group(1).startswith(prefix):
        continue
    comm, tid, t, ip, sym = m.groups()
    bins[int(float(t) / win)].append((tid, ip, sym))
conc, solo = collections.Counter(), collections.Counter()
nc = ns = 0
for samples in bins.values():
    c2 = len({s[0] for s in samples}) >= 2
    for tid, ip, sym in samples:
        if want in sym:
            (conc if c2 else solo)[ip] += 1
            if c2: nc += 1
            else: ns += 1
print(f"{want}: concurrent {nc}, solo {ns}")
rows = sorted(set(conc) | set(solo), key=lambda ip: -(conc[ip] + solo[ip]))
for ip in rows[:25]:
    print(f"{ip}  conc {conc[ip]:5d} ({100*conc[ip]/max(1,nc):5.1f}%)  solo {solo[ip]:5d} ({100*solo[ip]/max(1,ns):5.1f}%)")
