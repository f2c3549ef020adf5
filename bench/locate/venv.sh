#!/usr/bin/env bash
# Prints the python of bench/.venv (shapely, numpy), made from requirements.txt when needed.
# Usage: PY=$(bench/locate/venv.sh)
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../venv.sh" "$here/requirements.txt" .venv
