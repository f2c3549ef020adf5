#!/usr/bin/env bash
# Prints the python of bench/.venv-linkage (Splink, recordlinkage), made from
# requirements.txt when needed.
# Usage: PY=$(bench/linkage/venv.sh)
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../venv.sh" "$here/requirements.txt" .venv-linkage
