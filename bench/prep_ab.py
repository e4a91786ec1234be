#!/usr/bin/python3
"""Summarizes `AB_BIN=... bench/prep`'s log: per corpus and rank count, each
build's median job MB/s and phase seconds, then the paired ratios (run i of
the new build against run i of the old, made seconds apart), which are what
survive this VM's drift."""
import re
import statistics as st
import sys
from collections import defaultdict

LINE = re.compile(r'(\w+) (\d) (old|new) time\s+([\d.]+) s, ([\d.]+) MB/s total '
                  r'\((?:unpack [\d.]+ s, )?(?:discover [\d.]+ s, )?tokenize ([\d.]+) s, vocabulary ([\d.]+) s, write ([\d.]+) s\)')
runs = defaultdict(list)  # (kind, ranks, build) → [(MB/s, seconds, tokenize, vocabulary, write)]
for line in open(sys.argv[1]):
    m = LINE.match(line)
    if m:
        runs[(m[1], int(m[2]), m[3])].append(tuple(float(x) for x in m.groups()[3:]))
kinds = list(dict.fromkeys(k[0] for k in runs))

print('| corpus | ranks | build | job MB/s, median (min–max) | tokenize s | vocabulary s | write s |')
print('|---|---|---|---|---|---|---|')
for kind in kinds:
    for np in (1, 2):
        for build in ('old', 'new'):
            r = runs[(kind, np, build)]
            if not r:
                continue
            med = lambda i: st.median(x[i] for x in r)
            print(f'| {kind} | {np} | {build} | {med(1):.1f} ({min(x[1] for x in r):.1f}–{max(x[1] for x in r):.1f}) '
                  f'| {med(2):.2f} | {med(3):.2f} | {med(4):.2f} |')
print()
print('| corpus | new / old, 1 rank | new / old, 2 ranks | 2 ranks / 1, old | 2 ranks / 1, new |')
print('|---|---|---|---|---|')
for kind in kinds:
    paired = lambda a, b: st.median(y[1] / x[1] for x, y in zip(a, b)) if a and b else float('nan')
    print(f'| {kind} | {paired(runs[(kind, 1, "old")], runs[(kind, 1, "new")]):.2f}x '
          f'| {paired(runs[(kind, 2, "old")], runs[(kind, 2, "new")]):.2f}x '
          f'| {paired(runs[(kind, 1, "old")], runs[(kind, 2, "old")]):.2f}x '
          f'| {paired(runs[(kind, 1, "new")], runs[(kind, 2, "new")]):.2f}x |')
