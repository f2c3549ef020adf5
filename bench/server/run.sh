#!/usr/bin/env bash
# Load on `armistice serve` over loopback with wrk (Debian's package): CLIENTS concurrent
# connections POST one signed report each time for DURATION, on SQLite in a temporary
# data directory (WAL, synchronous=FULL: every 201 is after an fsync). Prints wrk's
# throughput and latency percentiles, the server's commit batch sizes from /metrics,
# and checks the journal afterwards (export + verify, entry count).
#
# Usage: bench/server/run.sh
# Environment: CLIENTS (default 200), DURATION (default 60s), THREADS (wrk threads,
#              default 2), MAX_BATCH (serve --max-batch, default 1000; 1 turns group
#              commit off), PORT (default 18053), KEEP=1 keeps the temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
clients="${CLIENTS:-200}"
duration="${DURATION:-60s}"
threads="${THREADS:-2}"
max_batch="${MAX_BATCH:-1000}"
port="${PORT:-18053}"

step() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
  step "installing wrk from Debian"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >&2; else sudo apt-get install -y -qq wrk >&2; fi
fi

step "cargo build --release -p armistice-cli -p armistice-bench"
(cd "$root" && cargo build --release -q -p armistice-cli -p armistice-bench)
bin="$root/target/release"

work="$(mktemp -d /tmp/armistice-server-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

step "accounts and a signed report"
"$bin/armistice" journal keygen --name LOAD --out "$work/load.key" >/dev/null 2>&1
token="$("$bin/armistice" user add LOAD --role staff --side unc --key "$work/load.key" --data "$work/data" 2>/dev/null)"
payload='{"id":"load","kind":"observation","observed_at":"1953-07-28T09:00:00+09:00","position":[126.9,37.95],"note":"a report line of about the size the field sends, padded to some two hundred and fifty bytes in all ....."}'
"$bin/sign-submission" "$work/load.key" report "$payload" > "$work/body.json"
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local f = io.open("$work/body.json", "r")
wrk.body = f:read("*a")
f:close()
LUA

step "armistice serve --data $work/data --addr 127.0.0.1:$port --max-batch $max_batch"
RUST_LOG=warn "$bin/armistice" serve --data "$work/data" --addr "127.0.0.1:$port" --max-batch "$max_batch" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null

step "wrk -t$threads -c$clients -d$duration --latency (POST /api/entries)"
wrk -t"$threads" -c"$clients" -d"$duration" --timeout 10s --latency -s "$work/post.lua" "http://127.0.0.1:$port/api/entries" | tee "$work/wrk.txt"

step "the server's view (/metrics)"
curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics.txt"
grep -E '^armistice_(entries_appended_total|commit_batch_entries_(sum|count)|commit_seconds_(sum|count)|http_requests_total\{route="/api/entries")' "$work/metrics.txt"
awk '/^armistice_commit_batch_entries_sum/ {s=$2} /^armistice_commit_batch_entries_count/ {c=$2} END { if (c > 0) printf "mean batch: %.1f entries per transaction (%d transactions)\n", s / c, c }' "$work/metrics.txt"

step "stopping (SIGTERM) and verifying the journal"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
"$bin/armistice" journal export --data "$work/data" --out "$work/journal.ndjson" 2>&1 | tail -n 1
"$bin/armistice" journal verify "$work/journal.ndjson" --json | grep -E '"(verified|entries)"'
