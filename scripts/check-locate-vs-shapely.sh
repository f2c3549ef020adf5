#!/usr/bin/env bash
# Checks armistice's point location against shapely 2 on random points: every point the two
# put in different zones must lie within 1 cm of a zone boundary. Two sets of 1,000,000
# points: uniform over lon 124-131, lat 33-43, and uniform around the DMZ and the Han River
# estuary (lon 126.1-128.4, lat 37.6-38.7), where the boundaries are dense.
# The reference is shapely's plain way (prepared zones, contains_xy); see bench/locate/.
# Sets up bench/.venv (git-ignored, from PyPI) when missing. Exits non-zero on a failure.
# Usage: scripts/check-locate-vs-shapely.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
locate="$root/bench/locate"

py="$("$locate/venv.sh")"
(cd "$root" && cargo build --release --quiet -p armistice-cli -p armistice-bench)
bin="$root/target/release"

tmp="$(mktemp -d /tmp/armistice-check-locate.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
"$bin/armistice" zones --out "$tmp/zones.geojson" >"$tmp/zones.log" 2>&1 || { cat "$tmp/zones.log" >&2; exit 1; }

status=0
for set in "whole:124,131,33,43" "dmz:126.1,128.4,37.6,38.7"; do
    name="${set%%:*}" box="${set#*:}"
    echo "== $name: 1,000,000 points in lon,lon,lat,lat $box"
    "$py" "$locate/gen_points.py" "$tmp/$name.f64" 1000000 --seed 1953 --box "$box"
    "$bin/locate-throughput" "$tmp/$name.f64" "$tmp/$name-armistice.u8" 1 >"$tmp/$name-armistice.json"
    order="$("$py" -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["zones"]))' "$tmp/$name-armistice.json")"
    "$py" "$locate/shapely_peer.py" "$tmp/$name.f64" "$tmp/zones.geojson" "$tmp/$name-shapely.u8" \
        --zones-order "$order" --variant zone-bbox --repeat 1 >/dev/null
    "$py" "$locate/compare.py" "$tmp/$name.f64" "$tmp/$name-armistice.u8" "$tmp/$name-shapely.u8" \
        "$tmp/zones.geojson" --zones-order "$order" --names armistice,shapely || status=1
done
if [ "$status" = 0 ]; then
    echo "check-locate-vs-shapely: armistice and shapely agree (off boundaries)"
else
    echo "check-locate-vs-shapely: FAILED" >&2
fi
exit "$status"
