#!/usr/bin/env bash
# Point-location throughput of armistice beside shapely 2 (and PostGIS when a server with
# the extension is reachable through psql; see postgis_peer.sh), on the same random points,
# with a check that the answers agree.
#
# Usage: bench/locate/run.sh [N]          (N points, default 10,000,000)
# Environment: SEED (default 1953), REPEAT (armistice runs, default 5),
#              SHAPELY_REPEAT (default 3), KEEP=1 keeps the temporary directory;
#              POSTGIS=0 skips PostGIS (it runs when reachable: minutes a run at 10M points);
#              PG_REPEAT, PG_SUBDIVIDE and PG* connection settings for postgis_peer.sh.
#
# Sets up bench/.venv (git-ignored) from bench/locate/requirements.txt when missing, builds
# the release binaries, writes the points and zones.geojson to a temporary directory under
# /tmp, runs `locate-throughput` (1 thread and all cores) and shapely_peer.py (the fastest
# variant found, the plain one, and the DMZ-only reference), prints the table and compares
# the outputs with compare.py (exit 1 if any disagreement lies over 1 cm from a boundary).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-10000000}"
seed="${SEED:-1953}"
repeat="${REPEAT:-5}"
shapely_repeat="${SHAPELY_REPEAT:-3}"

step() { printf '\n==> %s\n' "$*" >&2; }

step "python venv (bench/.venv)"
py="$("$here/venv.sh")"

step "cargo build --release -p armistice-cli -p armistice-bench"
(cd "$root" && cargo build --release --quiet -p armistice-cli -p armistice-bench)
bin="$root/target/release"

tmp="$(mktemp -d /tmp/armistice-locate.XXXXXX)"
if [ "${KEEP:-0}" = 1 ]; then
    echo "keeping $tmp" >&2
else
    trap 'rm -rf "$tmp"' EXIT
fi

step "$n points (seed $seed), zones.geojson"
"$py" "$here/gen_points.py" "$tmp/points.f64" "$n" --seed "$seed"
"$bin/armistice" zones --out "$tmp/zones.geojson" >&2

step "armistice: locate-throughput (best of $repeat)"
"$bin/locate-throughput" "$tmp/points.f64" "$tmp/armistice.u8" "$repeat" >"$tmp/armistice.json"
cat "$tmp/armistice.json" >&2
order="$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["zones"]))' "$tmp/armistice.json")"

peer() { # name variant [extra args...]
    local name="$1" variant="$2"
    shift 2
    step "shapely: $variant $* (best of $shapely_repeat)"
    "$py" "$here/shapely_peer.py" "$tmp/points.f64" "$tmp/zones.geojson" "$tmp/$name.u8" \
        --zones-order "$order" --variant "$variant" --repeat "$shapely_repeat" "$@" >"$tmp/$name.json"
    cat "$tmp/$name.json" >&2
}
# the fastest found: a grid index of our own over the prepared zones
peer shapely-best grid-0.01
# the plain way: prepared zones, contains_xy over the points in each zone's bounds
peer shapely-plain zone-bbox
# reference: the DMZ halves alone (a different, smaller task)
peer reference-dmz-plain zone-bbox --only dmz-north,dmz-south
peer reference-dmz-grid grid-0.01 --only dmz-north,dmz-south

step "PostGIS"
if [ "${POSTGIS:-1}" = 0 ]; then
    echo "PostGIS variant skipped: POSTGIS=0" >&2
elif command -v psql >/dev/null 2>&1 &&
    timeout 10 psql -XtAq -c "select 1 from pg_available_extensions where name = 'postgis'" 2>/dev/null </dev/null | grep -q 1; then
    # zones (ST_Subdivide'd, under GiST) and the same points loaded into the server; only the
    # classification query is timed; see postgis_peer.sh
    "$here/postgis_peer.sh" "$py" "$tmp" "$order" || echo "PostGIS variant failed (see above); left out" >&2
else
    echo "PostGIS variant skipped: no psql, or no reachable server with the postgis extension" \
        "(set PGHOST/PGDATABASE/... to point at one)" >&2
fi

step "results"
"$py" "$here/report.py" "$tmp"

step "agreement (a disagreement must lie within 1 cm of a zone boundary)"
status=0
"$py" "$here/compare.py" "$tmp/points.f64" "$tmp/armistice.u8" "$tmp/shapely-best.u8" "$tmp/zones.geojson" \
    --zones-order "$order" --names armistice,shapely-grid || status=1
"$py" "$here/compare.py" "$tmp/points.f64" "$tmp/armistice.u8" "$tmp/shapely-plain.u8" "$tmp/zones.geojson" \
    --zones-order "$order" --names armistice,shapely-plain || status=1
if [ -f "$tmp/postgis.u8" ]; then
    "$py" "$here/compare.py" "$tmp/points.f64" "$tmp/armistice.u8" "$tmp/postgis.u8" "$tmp/zones.geojson" \
        --zones-order "$order" --names armistice,postgis || status=1
fi
exit "$status"
