#!/usr/bin/env bash
# Fuzzes the agreement, report, prisoner-ledger, commission-payload and talks parsers and the journal verifier (fuzz/fuzz_targets/) for a bounded time with cargo-fuzz.
# Works on a stable toolchain: AddressSanitizer needs the nightly flag -Zsanitizer, so
# RUSTC_BOOTSTRAP=1 is exported when rustc is not a nightly (always, so that switching
# sanitizers does not also flip it: a change of RUSTC_BOOTSTRAP rebuilds everything).
#
# Usage: scripts/fuzz.sh [TARGET...]     (default: every target)
#   FUZZ_SECONDS=30       seconds per target (libFuzzer -max_total_time)
#   FUZZ_SANITIZER=none   sanitizer for cargo fuzz: none (default) or address. The
#                         core forbids unsafe code, and AddressSanitizer runs the
#                         targets about 5x slower; panics, overflow checks (debug
#                         assertions are on), timeouts and OOMs are caught either way.
# Exits non-zero when a target crashes, printing the panic, the crashing input's path
# and bytes. Fuzzer output goes to fuzz/target/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-30}"
sanitizer="${FUZZ_SANITIZER:-none}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(agreement_toml agreement_geojson report_line pow_ledger_file journal_verify commission_payload talks_toml)
fi
logs=fuzz/target/logs

say() { printf -- '--> %s\n' "$*"; }

# cargo-fuzz itself builds on stable.
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  if ! cargo install cargo-fuzz --locked --quiet; then
    echo "error: could not install cargo-fuzz, so the parsers cannot be fuzzed here" >&2
    exit 1
  fi
fi

if ! rustc -V | grep -q -e '-nightly' -e '-dev'; then
  export RUSTC_BOOTSTRAP=1
fi

# Seed corpora from the built-in agreement: valid inputs mutate into interesting ones.
# libFuzzer adds the inputs it finds to the same directories (gitignored).
seed() {
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    cp "$f" "$dir/seed-$(basename "$f")"
  done
}
# One seed file per line of FILE, named seed-PREFIX<line number>.json.
seed_lines() { # target file [prefix]
  local dir="fuzz/corpus/$1" n=0 line
  mkdir -p "$dir"
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "$dir/seed-${3:-}$n.json"
  done < "$2"
}
seed agreement_toml data/korea-1953/agreement.toml
# land.geojson (111 KB) is left out: seeds that large would raise -max_len to 111 KB and
# slow every run ten-fold; read_polygons is seeded by the estuary polygon.
seed agreement_geojson data/korea-1953/geometry/mdl.geojson data/korea-1953/geometry/han-river-estuary.geojson
seed_lines report_line data/korea-1953/reports-sample.ndjson
seed pow_ledger_file fuzz/seeds/pow-ledger.ndjson
# The sample export whole, and each of its lines (header, keys, entries, checkpoints).
mkdir -p fuzz/corpus/journal_verify
cp crates/core/tests/fixtures/journal/sample.ndjson fuzz/corpus/journal_verify/seed-sample.ndjson
seed_lines journal_verify crates/core/tests/fixtures/journal/sample.ndjson line-
seed_lines commission_payload fuzz/seeds/commission-payloads.ndjson
seed talks_toml fuzz/seeds/talks.toml

mkdir -p "$logs"
say "building fuzz targets (sanitizer: $sanitizer; log: $logs/build.log)"
start=$SECONDS
# With no target named, `cargo fuzz build` builds them all in one cargo run.
build_args=("${targets[@]}")
if [ $# -eq 0 ]; then build_args=(""); fi
: >"$logs/build.log"
for t in "${build_args[@]}"; do
  if ! cargo fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer" ${t:+"$t"} >>"$logs/build.log" 2>&1; then
    tail -n 40 "$logs/build.log" >&2
    echo "error: cargo fuzz could not build ${t:-the fuzz targets} (see above)" >&2
    exit 1
  fi
done
say "built in $((SECONDS - start))s"

failed=()
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  say "fuzzing $t for ${seconds}s (log: $log)"
  status=0
  cargo fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" "$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -close_fd_mask=1 >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 || true)
  say "$t: ${runs:-?} runs, ${rate:-?} exec/s, ${corpus:-corp: ?}, exit $status"
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    echo "::: $t failed (full output: $log)" >&2
    # The panic or sanitizer report, then the project's frames of its backtrace.
    if grep -qE 'panicked at|==[0-9]+==ERROR|ERROR: libFuzzer' "$log"; then
      grep -m 1 -A 2 -E 'panicked at|==[0-9]+==ERROR|ERROR: libFuzzer' "$log" >&2
      grep -E '^ +[0-9]+: .*armistice' "$log" | head -n 15 >&2 || true
    else
      tail -n 30 "$log" >&2
    fi
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      echo "::: crashing input: $artifact ($(wc -c <"$artifact") bytes)" >&2
      od -A d -c "$artifact" | head -n 40 >&2
      echo "::: reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz -s $sanitizer $t $artifact" >&2
    fi
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "error: fuzzing found crashes in: ${failed[*]}" >&2
  exit 1
fi
say "no crashes in ${targets[*]}"
