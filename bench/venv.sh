#!/usr/bin/env bash
# Makes bench/NAME (git-ignored) from REQUIREMENTS if it is missing or was made from other
# requirements, then prints the path of its python. Each benchmark keeps its own venv
# through a two-line venv.sh beside its requirements.txt.
# Usage: PY=$(bench/venv.sh REQUIREMENTS NAME)        e.g. bench/venv.sh bench/locate/requirements.txt .venv
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/venv.sh REQUIREMENTS NAME" >&2; exit 2; }
requirements="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
venv="$(cd "$(dirname "$0")" && pwd)/$2"
stamp="$venv/.armistice-requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
    python="${PYTHON:-python3}"
    echo "setting up $venv with $("$python" --version 2>&1)" >&2
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
echo "$(cd "$venv" && pwd)/bin/python"
