#!/usr/bin/env bash
# PostGIS peer of bench/locate/run.sh: classifies the same points against the same zones in a
# PostGIS server that psql reaches (PGHOST/PGPORT/PGDATABASE/... as usual), times only the
# classification query, and writes the answers of the fastest variant.
#
# Usage: postgis_peer.sh PYTHON DIR ZONE_ORDER
#   PYTHON      python with numpy (bench/.venv)
#   DIR         holds points.f64 and zones.geojson; gets postgis.u8, postgis.json, postgis-*.txt
#   ZONE_ORDER  comma-separated zone ids as indexed by armistice.u8 (its "zones" list, "sea" in it)
# Environment: PG_REPEAT (timed runs per variant, best kept; default 3; the slow plain one once),
#              PG_SUBDIVIDE (ST_Subdivide max_vertices values to try; default "32 64 128 256").
#
# Variants (one thread: max_parallel_workers_per_gather = 0), each run as
#   select code, count(*) from (<classification>) group by code
# so the time is the classification, not the transfer of a million rows:
#   plain-lateral      the 5 zone MultiPolygons under a GiST index; per point a LATERAL
#                      ST_Intersects ... order by zone order limit 1, else sea
#   subdivide-K        the same over ST_Subdivide(zone, K) pieces under a GiST index
# Points are a stored geometry column (SRID 4326), loaded beforehand from points.f64.
set -euo pipefail
py="$1" dir="$2" order="$3"
repeat="${PG_REPEAT:-3}"
subdivide="${PG_SUBDIVIDE:-32 64 128 256}"

# zones as (code = index in ZONE_ORDER, priority = the feature's "order", GeoJSON) rows;
# points as CSV
"$py" - "$dir" "$order" <<'EOF'
import json, sys
import numpy as np
d, order = sys.argv[1], sys.argv[2].split(",")
feats = json.load(open(f"{d}/zones.geojson"))["features"]
with open(f"{d}/zones.tsv", "w") as f:
    for ft in feats:
        p = ft.get("properties") or {}
        if p.get("kind") == "zone":
            f.write(f"{order.index(p['id'])}\t{p['order']}\t{json.dumps(ft['geometry'])}\n")
pts = np.fromfile(f"{d}/points.f64", "<f8").reshape(-1, 2)
np.savetxt(f"{d}/points.csv", pts, fmt="%.17g", delimiter=",")
EOF
sea="$("$py" -c 'import sys; print(sys.argv[1].split(",").index("sea"))' "$order")"

# classification query over zone table $1, as a subquery giving (i, code)
classify() {
    cat <<EOF
select p.i, coalesce(z.code, $sea) as code
from pt p left join lateral (
    select z.code from $1 z where ST_Intersects(z.geom, p.geom) order by z.prio limit 1
) z on true
EOF
}

tables="zone_plain"
for k in $subdivide; do tables="$tables zone_sub$k"; done

{
    cat <<EOF
\\set ON_ERROR_STOP 1
set client_min_messages = warning;
set max_parallel_workers_per_gather = 0;
set jit = off;
create extension if not exists postgis;
drop table if exists zone_src, pt, res;
create table zone_src (code int, prio int, gj text);
\\copy zone_src from '$dir/zones.tsv'
create table pt (i int primary key generated always as identity, x float8, y float8, geom geometry(Point, 4326));
\\copy pt (x, y) from '$dir/points.csv' with csv
update pt set geom = ST_SetSRID(ST_MakePoint(x, y), 4326);
vacuum analyze pt;
drop table if exists zone_plain;
create table zone_plain as select code, prio, ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) as geom from zone_src;
create index on zone_plain using gist (geom);
analyze zone_plain;
EOF
    for k in $subdivide; do
        cat <<EOF
drop table if exists zone_sub$k;
create table zone_sub$k as
  select code, prio, ST_Subdivide(ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326), $k) as geom from zone_src;
create index on zone_sub$k using gist (geom);
analyze zone_sub$k;
select 'pieces', 'zone_sub$k', count(*) from zone_sub$k;
EOF
    done
    echo "select 'plan', 'zone_plain';"
    echo "explain $(classify zone_plain);"
    for t in $tables; do
        # the plain variant is some 20 times slower: once is enough
        n_runs="$repeat"; [ "$t" = zone_plain ] && n_runs=1
        for r in $(seq "$n_runs"); do
            cat <<EOF
select clock_timestamp() as t0 \\gset
select code, count(*) from ($(classify "$t")) q group by code order by code \\g /dev/null
select 'time', '$t', extract(epoch from clock_timestamp() - :'t0'::timestamptz);
EOF
        done
    done
} >"$dir/postgis.sql"

echo "PostGIS: loading and timing ($repeat runs per variant: $tables)" >&2
psql -XqAt -F ' ' -f "$dir/postgis.sql" >"$dir/postgis-times.txt"
grep -v '^time' "$dir/postgis-times.txt" >&2 || true

best="$(awk '$1 == "time" { if (!($2 in b) || $3 < b[$2]) b[$2] = $3 }
             END { for (t in b) print b[t], t }' "$dir/postgis-times.txt" | sort -g)"
echo "$best" | awk '{ printf "  %-14s best %.4f s\n", $2, $1 }' >&2
read -r secs table <<<"$(echo "$best" | head -1)"

# the answers of the fastest variant, in point order
psql -XqAt -v ON_ERROR_STOP=1 <<EOF
set max_parallel_workers_per_gather = 0;
\\copy (select code from ($(classify "$table" | tr '\n' ' ')) q order by i) to '$dir/postgis.codes'
EOF
"$py" - "$dir" "$secs" "$table" "$(psql -XtAc 'select postgis_lib_version()')" "$(echo "$best" | tr '\n' ';')" <<'EOF'
import json, sys
import numpy as np
d, secs, table, version, all_runs = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
codes = np.loadtxt(f"{d}/postgis.codes", dtype=np.uint8, ndmin=1)
codes.tofile(f"{d}/postgis.u8")
variant = "5 zones, GiST" if table == "zone_plain" else f"ST_Subdivide {table.removeprefix('zone_sub')}, GiST"
n = codes.size
others = {t: float(s) for s, t in (x.split() for x in all_runs.split(";") if x.strip())}
json.dump({"tool": "postgis", "variant": f"{variant}, LATERAL limit 1", "postgis": version,
           "threads": 1, "points": int(n), "best_seconds": secs, "million_points_per_second": n / secs / 1e6,
           "variants_best_seconds": others}, open(f"{d}/postgis.json", "w"))
EOF
rm -f "$dir/points.csv" "$dir/postgis.codes"
