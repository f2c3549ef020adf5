#!/usr/bin/env bash
# The console in a real browser: starts `armistice demo --port 0` on a fresh data
# directory, drives Debian's headless Chromium through chromedriver (WebDriver HTTP,
# scripts/browser_test.py, Python standard library only) and writes a PNG screenshot
# of each page to docs/screenshots/. Installs chromium and chromium-driver if missing.
# Usage: scripts/browser-test.sh   (ARMISTICE_BIN overrides the binary to run)
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "installing chromium and chromium-driver from Debian" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
fi

bin="${ARMISTICE_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -p armistice-cli --quiet
  bin=target/release/armistice
fi
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin" demo --port 0 --data "$work/data" >"$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
for _ in $(seq 1 600); do
  address=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/demo.out" | head -n 1 || true)
  [ -n "$address" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/demo.err" >&2; exit 1; }
  sleep 0.5
done
[ -n "$address" ] || { echo "the demo printed no address" >&2; exit 1; }
echo "console at $address" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chromedriver --port="$port" >"$work/chromedriver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.2
done

mkdir -p docs/screenshots
python3 scripts/browser_test.py "$address" "http://127.0.0.1:$port" docs/screenshots
