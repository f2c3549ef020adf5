#!/usr/bin/env bash
# Runs every check a change must pass: formatting, lints, the tests of every crate, the
# docs, the core's purity rule and a bounded fuzz run. Installs what it needs if missing
# (PostgreSQL from Debian for the store tests: scripts/start-postgres.sh).
# Usage: scripts/test.sh            (FUZZ_SECONDS=0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --release -- -D warnings

step "crates/core stays pure (no I/O, async or clock crates)"
scripts/check-core-purity.sh

step "PostgreSQL on loopback for the store tests"
if [ -z "${ARMISTICE_TEST_PG:-}" ]; then
  ARMISTICE_TEST_PG="$(scripts/start-postgres.sh)"
fi
export ARMISTICE_TEST_PG
echo "ARMISTICE_TEST_PG=${ARMISTICE_TEST_PG%%:*}://... (the store's PostgreSQL tests run against it)"

step "cargo test (release)"
cargo test --workspace --release

step "the console in headless Chromium (installed from Debian if missing)"
ARMISTICE_BIN=target/release/armistice scripts/browser-test.sh

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet


step "the fast report reader agrees with the careful one on 50,000 generated reports"
reports="$(mktemp --suffix=.ndjson)"
python3 scripts/gen-reports.py "$reports" 50000 --seed 7 >/dev/null
ARMISTICE_SCAN_FILE="$reports" cargo test --release -p armistice-core --test rules scan_agrees_on_a_file \
  -- --ignored --nocapture 2>&1 | grep -E "lines read by the fast reader|test result"
rm -f "$reports"

step "point location agrees with shapely (1,000,000 points x 2)"
scripts/check-locate-vs-shapely.sh

step "prisoner-list reconciliation: F1 on FEBRL4 and on the romanization benchmark"
scripts/check-reconcile-quality.sh

if [ "${FUZZ_SECONDS:-30}" != "0" ]; then
  step "fuzz the parsers (${FUZZ_SECONDS:-30}s per target)"
  scripts/fuzz.sh
fi

step "all checks passed"
