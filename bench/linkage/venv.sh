#!/usr/bin/env bash
# Makes bench/.venv-linkage (git-ignored) from bench/linkage/requirements.txt if it is
# missing or was made from other requirements, then prints the path of its python.
# Usage: PY=$(bench/linkage/venv.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(cd "$here/.." && pwd)/.venv-linkage"
stamp="$venv/.armistice-requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    python="${PYTHON:-python3}"
    echo "setting up $venv with $("$python" --version 2>&1)" >&2
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    cp "$here/requirements.txt" "$stamp"
fi
echo "$(cd "$venv" && pwd)/bin/python"
