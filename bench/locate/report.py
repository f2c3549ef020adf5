#!/usr/bin/env python3
"""Print the side-by-side table of bench/locate/run.sh from the tools' JSON outputs.

Usage: report.py RESULTS_DIR
Reads RESULTS_DIR/armistice.json (locate-throughput), RESULTS_DIR/shapely-*.json
(shapely_peer.py, the whole-task ones) and RESULTS_DIR/reference-*.json (other tasks,
shown without a ratio), and RESULTS_DIR/postgis.json when present.
"""

import glob
import json
import os
import sys


def main() -> None:
    d = sys.argv[1]
    rows = []  # tool, variant, threads, seconds, mps, whole task?
    arm = json.load(open(os.path.join(d, "armistice.json")))
    n = arm["points"]
    for run in arm["runs"]:
        rows.append(("armistice", "locate-throughput", run["threads"], run["best_seconds"], run["million_points_per_second"], True))
    for path in sorted(glob.glob(os.path.join(d, "shapely-*.json"))) + sorted(glob.glob(os.path.join(d, "reference-*.json"))):
        r = json.load(open(path))
        if r["points"] != n:
            sys.exit(f"{path}: {r['points']} points, armistice had {n}")
        variant = r["variant"] + (f" (only {'+'.join(r['only'])})" if r.get("only") else "")
        whole = os.path.basename(path).startswith("shapely-")
        rows.append((r.get("tool", "shapely"), variant, r["threads"], r["best_seconds"], r["million_points_per_second"], whole))
    pg = os.path.join(d, "postgis.json")
    if os.path.exists(pg):
        r = json.load(open(pg))
        rows.append(("postgis", r["variant"], r["threads"], r["best_seconds"], n / r["best_seconds"] / 1e6, True))
    shapely_best = max(r[4] for r in rows if r[0] == "shapely" and r[5])
    print(f"{n:,} random points (lon 124-131, lat 33-43); best of repeated runs, classification only")
    header = ("tool", "variant", "threads", "best s", "M points/s", "x shapely best")
    widths = (10, 44, 7, 9, 11, 15)
    print("  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    for tool, variant, threads, secs, mps, whole in rows:
        ratio = f"{mps / shapely_best:.2f}" if whole else "-"
        cells = (tool, variant, str(threads), f"{secs:.4f}", f"{mps:.2f}", ratio)
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))


if __name__ == "__main__":
    main()
