#!/usr/bin/env python3
"""check_svg.py FILE [--text T]... [--min TAG=N]... [--numbers N]

Parses an SVG parlance wrote (a malformed document fails here) and checks
what a reader of the picture relies on: some <text> contains each T, at least
N elements of each TAG (polyline, circle, rect, ...), and at least N texts
that are numbers (the axis tick values). Prints a one-line summary."""
import argparse
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--text", action="append", default=[])
ap.add_argument("--min", action="append", default=[])
ap.add_argument("--numbers", type=int, default=0)
args = ap.parse_args()

root = ET.parse(args.file).getroot()
if root.tag != NS + "svg":
    sys.exit(f"{args.file}: the root element is {root.tag}, not an SVG document")
texts = ["".join(t.itertext()) for t in root.iter(NS + "text")]
failures = []
for want in args.text:
    if not any(want in t for t in texts):
        failures.append(f"no text contains {want!r}")
for spec in args.min:
    tag, n = spec.split("=")
    have = sum(1 for _ in root.iter(NS + tag))
    if have < int(n):
        failures.append(f"{have} <{tag}> elements, expected at least {n}")
numbers = [t for t in texts if re.fullmatch(r"-?[0-9.]+(e[-+]?[0-9]+)?", t)]
if len(numbers) < args.numbers:
    failures.append(f"{len(numbers)} numeric labels, expected at least {args.numbers}")
if failures:
    sys.exit(f"{args.file}: " + "; ".join(failures))
print(f"{args.file}: well-formed, {len(texts)} texts ({len(numbers)} numbers)")
