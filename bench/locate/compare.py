#!/usr/bin/env python3
"""Compare two zone classifications of the same points; fail on a disagreement off a boundary.

Usage: compare.py POINTS.f64 A.u8 B.u8 zones.geojson --zones-order id1,id2,...
                  [--tolerance-m 0.01] [--names A,B] [--show 10]

POINTS.f64 holds little-endian f64 (lon, lat) pairs, A.u8 and B.u8 one zone index per point
(into --zones-order). Every point the two put in different zones must lie within
--tolerance-m metres (default 0.01, 1 cm) of a zone boundary (the boundary of any
kind == "zone" polygon of zones.geojson, coastlines included): there the answer depends on
rounding and on which side owns the line. Distances use a local metric at the point:
111,320 m per degree of latitude and 111,320 m x cos(lat) per degree of longitude.

Prints the counts; exits 1 when a disagreement lies farther than the tolerance from every
boundary (listing a few), or when the files do not match.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np
import shapely

M_PER_DEG = 111_320.0


def boundary_distance_m(boundary: shapely.Geometry, lon: float, lat: float, deg: float) -> float:
    """Distance in metres from (lon, lat) to boundary, in the local metric at the point.

    deg is the distance in degrees; the metrically nearest boundary point lies within
    deg / cos(lat) degrees of the point, so only the boundary in that box is needed.
    """
    kx, ky = M_PER_DEG * math.cos(math.radians(lat)), M_PER_DEG
    r = deg * ky / kx * 1.01 + 1e-9
    near = shapely.clip_by_rect(boundary, lon - r, lat - r, lon + r, lat + r)
    if near.is_empty:  # cannot happen but for rounding: fall back to the upper bound
        return deg * ky
    local = shapely.transform(near, lambda c: (c - [lon, lat]) * [kx, ky])
    return float(shapely.distance(local, shapely.Point(0.0, 0.0)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("points")
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("zones")
    parser.add_argument("--zones-order", required=True, help="comma-separated zone ids, as indexed by the .u8 files")
    parser.add_argument("--tolerance-m", type=float, default=0.01)
    parser.add_argument("--names", default="A,B", help="names of A and B for the report")
    parser.add_argument("--show", type=int, default=10, help="how many failing points to list")
    args = parser.parse_args()

    order = args.zones_order.split(",")
    name_a, name_b = (args.names.split(",") + ["B"])[:2]
    pts = np.fromfile(args.points, dtype="<f8")
    a = np.fromfile(args.a, dtype=np.uint8)
    b = np.fromfile(args.b, dtype=np.uint8)
    if pts.size % 2 or not (pts.size // 2 == a.size == b.size):
        sys.exit(f"size mismatch: {pts.size // 2} points, {a.size} and {b.size} answers")
    for name, codes in ((name_a, a), (name_b, b)):
        if codes.size and codes.max() >= len(order):
            sys.exit(f"{name}: zone index {codes.max()} beyond the {len(order)} zones of --zones-order")
    pts = pts.reshape(-1, 2)

    with open(args.zones, encoding="utf-8") as f:
        collection = json.load(f)
    polygons = [
        shapely.from_geojson(json.dumps(feat["geometry"]))
        for feat in collection["features"]
        if (feat.get("properties") or {}).get("kind") == "zone"
    ]
    boundary = shapely.union_all(shapely.boundary(polygons))
    shapely.prepare(boundary)

    diff = np.flatnonzero(a != b)
    counts_a = np.bincount(a, minlength=len(order))
    counts_b = np.bincount(b, minlength=len(order))
    print(f"{len(a)} points, {len(diff)} disagreements")
    print(f"  {'zone':20s} {name_a:>12s} {name_b:>12s}")
    for i, zone in enumerate(order):
        print(f"  {zone:20s} {counts_a[i]:12d} {counts_b[i]:12d}")

    failures = []
    worst = 0.0
    if len(diff):
        lon, lat = pts[diff, 0], pts[diff, 1]
        deg = shapely.distance(boundary, shapely.points(lon, lat))
        # lower bound in metres: the degree distance at the shorter (longitude) scale
        low = deg * M_PER_DEG * np.cos(np.radians(lat))
        for k in range(len(diff)):
            d = low[k] if low[k] > args.tolerance_m else boundary_distance_m(boundary, lon[k], lat[k], deg[k])
            worst = max(worst, d)
            if d > args.tolerance_m:
                failures.append((d, diff[k]))
        pairs: dict[tuple[str, str], int] = {}
        for i in diff:
            key = (order[a[i]], order[b[i]])
            pairs[key] = pairs.get(key, 0) + 1
        for (za, zb), n in sorted(pairs.items(), key=lambda kv: -kv[1]):
            print(f"  {name_a}={za} {name_b}={zb}: {n}")
        print(f"farthest disagreement from a boundary: {worst:.3g} m (tolerance {args.tolerance_m} m)")

    if failures:
        failures.sort(reverse=True)
        print(f"FAIL: {len(failures)} disagreements farther than {args.tolerance_m} m from any boundary; e.g.:")
        for d, i in failures[: args.show]:
            print(f"  lon={float(pts[i, 0])!r} lat={float(pts[i, 1])!r} {name_a}={order[a[i]]} {name_b}={order[b[i]]} {d:.3f} m from a boundary")
        sys.exit(1)
    print(f"OK: every disagreement lies within {args.tolerance_m} m of a zone boundary")


if __name__ == "__main__":
    main()
