#!/usr/bin/env python3
"""Run armistice and its peers on one pair of lists, score each against the truth, and
print one table (and a JSON line per tool).

Usage: run.py NAME DATASET DIR ARMISTICE_BIN [--peers splink,recordlinkage] [--repeat N]
           [--peer-repeat N]

DIR holds a.csv, b.csv and truth.csv. DATASET is `febrl` or `names` (it picks the
peers' configuration). Wall time is the whole process, from start to the last pair
written, median of the runs; for the peers `compute` is also given, the time after the
CSV files were read (Python start-up and imports excluded).
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def truth_pairs(path):
    with open(path, newline="") as f:
        return {(r["a_id"], r["b_id"]) for r in csv.DictReader(f)}


def score(predicted, truth):
    predicted = set(predicted)
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, len(predicted)


def timed(cmd, stdout):
    start = time.perf_counter()
    with open(stdout, "w") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name")
    p.add_argument("dataset", choices=["febrl", "names"])
    p.add_argument("dir")
    p.add_argument("armistice")
    p.add_argument("--peers", default="splink,recordlinkage")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--peer-repeat", type=int, default=1)
    args = p.parse_args()
    a, b = os.path.join(args.dir, "a.csv"), os.path.join(args.dir, "b.csv")
    truth = truth_pairs(os.path.join(args.dir, "truth.csv"))
    rows = []

    times = []
    for _ in range(args.repeat):
        out = os.path.join(args.dir, "armistice.json")
        elapsed, _ = timed([args.armistice, "pow", "reconcile", a, b, "--json"], out)
        times.append(elapsed)
    with open(out) as f:
        result = json.load(f)
    predicted = [(m["a"], m["b"]) for m in result["matches"]]
    rows.append(("armistice", statistics.median(times), None, score(predicted, truth),
                 f"review {len(result['review'])}, candidate pairs {result['stats']['candidate_pairs']}"))

    for peer in [x for x in args.peers.split(",") if x]:
        times, computes = [], []
        for _ in range(args.peer_repeat):
            out = os.path.join(args.dir, f"{peer}.pairs.csv")
            log = os.path.join(args.dir, f"{peer}.log")
            elapsed, _ = timed([sys.executable, os.path.join(HERE, "peers.py"), peer, args.dataset, a, b, out], log)
            with open(log) as f:
                info = json.loads(f.read().strip().splitlines()[-1])
            times.append(elapsed)
            computes.append(info["compute_s"])
        with open(out, newline="") as f:
            predicted = [(r["a_id"], r["b_id"]) for r in csv.DictReader(f)]
        rows.append((peer, statistics.median(times), statistics.median(computes), score(predicted, truth), ""))

    base = rows[0][1]
    print(f"\n{args.name}: {len(truth)} true pairs")
    print(f"| tool | precision | recall | F1 | wall s (median) | compute s | wall / armistice | notes |")
    print(f"|---|---|---|---|---|---|---|---|")
    for tool, wall, compute, (precision, recall, f1, tp, n), notes in rows:
        c = f"{compute:.2f}" if compute is not None else "-"
        print(f"| {tool} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {wall:.2f} | {c} | {wall / base:.1f} | "
              f"{tp} of {n} predicted are true; {notes} |")
        print(json.dumps({"bench": args.name, "tool": tool, "precision": precision, "recall": recall, "f1": f1,
                          "wall_s": wall, "compute_s": compute}), file=sys.stderr)


if __name__ == "__main__":
    main()
