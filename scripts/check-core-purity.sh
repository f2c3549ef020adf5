#!/usr/bin/env bash
# Fails if armistice-core depends, even indirectly, on crates that do I/O, run async
# code or talk to databases and networks: the core must stay a pure function of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(tokio|async-std|smol|mio|sqlx|rusqlite|postgres|tokio-postgres|axum|hyper|reqwest|ureq|socket2)$'
found=$(cargo tree -p armistice-core -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u | grep -E "$forbidden" || true)
if [ -n "$found" ]; then
  echo "armistice-core must not depend on: $found" >&2
  exit 1
fi
# Source-level rule: no file system, network, environment or clock access in the core.
if grep -rnE 'std::(fs|net|env|process)|SystemTime::now|Instant::now|Utc::now|Local::now' crates/core/src; then
  echo "armistice-core must not read files, the network, the environment or the clock (see above)" >&2
  exit 1
fi
echo "armistice-core is pure"
