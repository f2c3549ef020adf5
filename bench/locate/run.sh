#!/usr/bin/env bash
# Point-location throughput of armistice beside shapely 2 (and PostGIS when one is already
# running), on the same random points, with a check that the answers agree.
#
# Usage: bench/locate/run.sh [N]          (N points, default 10,000,000)
# Environment: SEED (default 1953), REPEAT (armistice runs, default 5),
#              SHAPELY_REPEAT (default 3), KEEP=1 keeps the temporary directory.
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
pg_ok=0
if command -v psql >/dev/null 2>&1 &&
    timeout 10 psql -XtAq -c "select postgis_lib_version()" >/dev/null 2>&1 </dev/null; then
    pg_ok=1
else
    echo "PostGIS variant skipped: no psql, or no reachable server with the postgis extension" \
        "(set PGHOST/PGDATABASE/... to point at one)" >&2
fi
if [ "$pg_ok" = 1 ]; then
    # zones as (code, GeoJSON) rows, points as CSV; ST_Subdivide'd zones under a GiST index;
    # one query gives every point its first zone (smallest code), timed inside the server.
    "$py" - "$tmp" "$order" <<'EOF'
import json, sys
import numpy as np
tmp, order = sys.argv[1], sys.argv[2].split(",")
feats = json.load(open(f"{tmp}/zones.geojson"))["features"]
with open(f"{tmp}/zones.tsv", "w") as f:
    for ft in feats:
        if (ft.get("properties") or {}).get("kind") == "zone":
            f.write(f"{order.index(ft['properties']['id'])}\t{json.dumps(ft['geometry'])}\n")
np.savetxt(f"{tmp}/points.csv", np.fromfile(f"{tmp}/points.f64", "<f8").reshape(-1, 2), fmt="%.17g", delimiter=",")
EOF
    sea="$("$py" -c 'import sys; print(sys.argv[1].split(",").index("sea"))' "$order")"
    if psql -XqAt -v ON_ERROR_STOP=1 >"$tmp/postgis.out" <<EOF; then
set max_parallel_workers_per_gather = 0;
create temp table zone_src (code int, gj text);
\copy zone_src from '$tmp/zones.tsv'
create temp table zone as select code, ST_Subdivide(ST_SetSRID(ST_GeomFromGeoJSON(gj), 0), 64) as geom from zone_src;
create index on zone using gist (geom);
analyze zone;
create temp table pt (i bigserial primary key, x float8, y float8);
\copy pt (x, y) from '$tmp/points.csv' with csv
analyze pt;
select clock_timestamp() as t0 \gset
create temp table res as
  select p.i, coalesce((select min(z.code) from zone z
                        where ST_Intersects(z.geom, ST_Point(p.x, p.y))), $sea) as code
  from pt p;
select extract(epoch from clock_timestamp() - :'t0'::timestamptz);
\copy (select code from res order by i) to '$tmp/postgis.codes'
EOF
        "$py" - "$tmp" <<'EOF'
import json, sys
import numpy as np
tmp = sys.argv[1]
secs = float(open(f"{tmp}/postgis.out").read().split()[-1])
np.loadtxt(f"{tmp}/postgis.codes", dtype=np.uint8, ndmin=1).tofile(f"{tmp}/postgis.u8")
json.dump({"variant": "ST_Subdivide 64 + GiST, ST_Intersects", "threads": 1, "best_seconds": secs}, open(f"{tmp}/postgis.json", "w"))
EOF
    else
        echo "PostGIS variant failed (see above); left out" >&2
    fi
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
