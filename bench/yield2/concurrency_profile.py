#!/usr/bin/env python3
"""Splits a perf profile of a yield run into samples taken while two carriers were on a CPU
at once (both sampled within the same window) and samples taken while only one was, and
prints each symbol's share of both. Usage: perf script -F comm,tid,time,ip,sym | this.py PREFIX [WINDOW_MS]"""
import sys, collections, re
prefix = sys.argv[1]
win = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.001
bins = collections.defaultdict(list)
line_re = re.compile(r'^\s*(\S+)\s+(\d+)\s+([\d.]+):\s*(.*)$')
for line in sys.stdin:
    m = line_re.match(line)
    if not m:
        continue
    comm, tid, t, rest = m.groups()
    if not comm.startswith(prefix):
        continue
    rest = rest.strip()
    parts = rest.split(None, 1)
    sym = parts[1] if len(parts) > 1 else rest
    sym = re.sub(r'\s*\(.*\)$', '', sym)[:110]
    bins[int(float(t) / win)].append((tid, sym))
conc, solo = collections.Counter(), collections.Counter()
nconc = nsolo = 0
for b, samples in bins.items():
    tids = {tid for tid, _ in samples}
    c = conc if len(tids) >= 2 else solo
    for _, sym in samples:
        c[sym] += 1
    if len(tids) >= 2:
        nconc += len(samples)
    else:
        nsolo += len(samples)
print(f"samples: concurrent {nconc}, solo {nsolo}")
syms = set(conc) | set(solo)
rows = []
for s in syms:
    pc = conc[s] / max(1, nconc)
    ps = solo[s] / max(1, nsolo)
    rows.append((pc - ps, pc, ps, s))
rows.sort(reverse=True)
print(f"{'conc%':>7} {'solo%':>7} {'diff':>7}  symbol")
for d, pc, ps, s in rows[:25]:
    print(f"{100*pc:7.2f} {100*ps:7.2f} {100*d:+7.2f}  {s}")
print("...")
for d, pc, ps, s in rows[-8:]:
    print(f"{100*pc:7.2f} {100*ps:7.2f} {100*d:+7.2f}  {s}")
