#!/usr/bin/env python3
"""Shapely 2 peer of `locate-throughput`: give every point the id of its armistice zone.

Usage: shapely_peer.py POINTS.f64 zones.geojson OUT.u8 --zones-order id1,id2,...
                       [--repeat R] [--variant NAME] [--only id1,id2,...]

POINTS.f64 holds little-endian f64 (lon, lat) pairs; zones.geojson is the output of
`armistice zones`, of which only the features with kind == "zone" are read. OUT.u8 gets one
byte per point: the index in --zones-order of the first zone (in that order) whose polygon
holds the point, or the index of `sea` when none does. Only the classification is timed
(not reading the files, building the geometries, `shapely.prepare` or building an index),
best of R runs, single-threaded; one JSON object is printed.

--only restricts the polygons to the listed zones (e.g. dmz-north,dmz-south for the
DMZ-only reference figure); every other point is then `sea`.

Variants tried (`--variant NAME` runs any of them). 10,000,000 points of gen_points.py
(seed 1953), shapely 2.2.0 / GEOS 3.14.1, numpy 2.4.6, best of 3, one thread, on the 2-core
bench machine while other work ran on it (expect +-20 %); every one gave the same answer
as armistice's locate-throughput for all 10 M points:

  naive                 contains_xy of each prepared zone over all points       2.2 M/s
  naive-intersects      the same with intersects_xy                             2.2 M/s
  zone-bbox             contains_xy of each prepared zone over the points in
                        its bounds only (the plain way)                         3.2 M/s
  zone-bbox-intersects  the same with intersects_xy                             3.2 M/s
  part-bbox             MultiPolygons split into their parts, each prepared
                        and tested on the points in its own bounds (a bounds
                        mask over all N points per part: 70 parts)              2.5 M/s
  part-bbox-hier        zone-bounds mask first, then the part-bounds masks on
                        that subset only                                        3.1 M/s
  part-bbox-hier-intersects  the same with intersects_xy                        3.2 M/s
  strtree               STRtree of the parts queried with shapely.points(x, y),
                        predicate="intersects" (1 M points)                     0.1 M/s
  strtree-bbox          STRtree bounding-box query of shapely.points(x, y),
                        then prepared contains_xy per pair (1 M points; making
                        the point geometries alone costs ~1 s per million)      0.8 M/s
  grid-D                a grid index of our own (numpy) over the prepared
                        zones, D-degree cells: a cell wholly inside one zone
                        (contains_properly) or touching none answers from a
                        lookup table; points in the other cells get one
                        contains_xy per touching zone. D = 0.2 / 0.1 / 0.05 /
                        0.02 / 0.01 / 0.005:        10 / 15 / 19 / 30 / 44 / 43 M/s
  grid-0.01-intersects  the same with intersects_xy                            39 M/s

Kept as the default: grid-0.01, the fastest (setup, not timed, ~0.3 s); zone-bbox is the
fastest that is shapely alone and is the reference of scripts/check-locate-vs-shapely.sh.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

import numpy as np
import shapely

SEA = "sea"
DEFAULT_VARIANT = "grid-0.01"  # the fastest found


def load_zones(path: str, order: list[str], only: list[str] | None) -> list[tuple[int, shapely.Geometry]]:
    """(index in order, geometry) of every zone polygon, in the given order."""
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    by_id = {}
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        if props.get("kind") == "zone":
            by_id[props["id"]] = shapely.from_geojson(json.dumps(feature["geometry"]))
    missing = [z for z in order if z != SEA and z not in by_id]
    if missing:
        sys.exit(f"zones not in {path}: {', '.join(missing)}")
    extra = sorted(set(by_id) - set(order))
    if extra:
        sys.exit(f"zones in {path} but not in --zones-order: {', '.join(extra)}")
    return [(i, by_id[z]) for i, z in enumerate(order) if z != SEA and (only is None or z in only)]


def bounds_mask(x: np.ndarray, y: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (x >= b[0]) & (x <= b[2]) & (y >= b[1]) & (y <= b[3])


# Each variant's setup takes the zones and returns classify(x, y, out) which fills out in
# place. First zone in order wins: zones are written in reverse order so earlier ones
# overwrite later ones (the zones only meet along their boundaries).


def setup_naive(zones, sea: int, predicate=shapely.contains_xy):
    for _, g in zones:
        shapely.prepare(g)

    def classify(x, y, out):
        out.fill(sea)
        for code, g in reversed(zones):
            out[predicate(g, x, y)] = code

    return classify


def setup_zone_bbox(zones, sea: int, predicate=shapely.contains_xy):
    prepared = []
    for code, g in zones:
        shapely.prepare(g)
        prepared.append((code, g, shapely.bounds(g)))

    def classify(x, y, out):
        out.fill(sea)
        for code, g, b in reversed(prepared):
            idx = np.flatnonzero(bounds_mask(x, y, b))
            out[idx[predicate(g, x[idx], y[idx])]] = code

    return classify


def split_parts(zones):
    """Per zone: (code, zone bounds, [(part, part bounds)...]), parts prepared."""
    result = []
    for code, g in zones:
        parts = shapely.get_parts(g)
        shapely.prepare(parts)
        result.append((code, shapely.bounds(g), list(zip(parts, shapely.bounds(parts)))))
    return result


def setup_part_bbox(zones, sea: int, predicate=shapely.contains_xy):
    flat = [(code, p, b) for code, _, parts in split_parts(zones) for p, b in parts]

    def classify(x, y, out):
        out.fill(sea)
        for code, p, b in reversed(flat):
            idx = np.flatnonzero(bounds_mask(x, y, b))
            out[idx[predicate(p, x[idx], y[idx])]] = code

    return classify


def setup_part_bbox_hier(zones, sea: int, predicate=shapely.contains_xy):
    split = split_parts(zones)

    def classify(x, y, out):
        out.fill(sea)
        for code, zb, parts in reversed(split):
            zi = np.flatnonzero(bounds_mask(x, y, zb))
            zx, zy = x[zi], y[zi]
            for p, b in parts:
                pi = np.flatnonzero(bounds_mask(zx, zy, b))
                out[zi[pi[predicate(p, zx[pi], zy[pi])]]] = code

    return classify


def setup_strtree(zones, sea: int):
    codes, geoms = [], []
    for code, g in zones:
        parts = shapely.get_parts(g)
        codes += [code] * len(parts)
        geoms += list(parts)
    codes = np.array(codes, dtype=np.uint8)
    tree = shapely.STRtree(geoms)
    shapely.prepare(np.asarray(geoms))

    def classify(x, y, out):
        out.fill(sea)
        pi, gi = tree.query(shapely.points(x, y), predicate="intersects")
        # first zone in order wins: write the larger codes first
        order = np.argsort(-codes[gi].astype(np.int16), kind="stable")
        out[pi[order]] = codes[gi][order]

    return classify


def setup_strtree_bbox(zones, sea: int, predicate=shapely.contains_xy):
    """STRtree bounding-box query of point geometries, then prepared contains_xy per pair."""
    codes, geoms = [], []
    for code, g in zones:
        parts = shapely.get_parts(g)
        codes += [code] * len(parts)
        geoms += list(parts)
    codes = np.array(codes, dtype=np.uint8)
    geoms = np.asarray(geoms)
    tree = shapely.STRtree(geoms)
    shapely.prepare(geoms)

    def classify(x, y, out):
        out.fill(sea)
        pi, gi = tree.query(shapely.points(x, y))
        hit = predicate(geoms[gi], x[pi], y[pi])
        pi, gi = pi[hit], gi[hit]
        order = np.argsort(-codes[gi].astype(np.int16), kind="stable")
        out[pi[order]] = codes[gi][order]

    return classify


def setup_grid(zones, sea: int, cell: float = 0.01, predicate=shapely.contains_xy):
    """A uniform grid over the zones' bounds, made once (not timed).

    A cell whose closed square lies in one zone's interior (contains_properly) or touches
    no zone at all gets that zone's code (or sea) and its points need no test; every other
    cell is marked with the zones that touch it. Per run: one cell-index pass over all
    points and a table lookup, then for each zone one contains_xy of the whole prepared
    zone (exact: no clipped geometry) over the points of the boundary cells it touches.
    """
    TEST = 255
    codes = np.array([code for code, _ in zones], dtype=np.uint8)
    for _, g in zones:
        shapely.prepare(g)

    def cells_of(x_lo, y_lo, size):
        """Per square: its code (a zone's, sea, or TEST) and which zones to test there."""
        rects = shapely.box(x_lo, y_lo, x_lo + size, y_lo + size)
        touching = np.array([shapely.intersects(g, rects) for _, g in zones])
        inside = np.array([shapely.contains_properly(g, rects) for _, g in zones])
        n = touching.sum(axis=0)
        whole = (n == 1) & inside.any(axis=0)
        values = np.where(n == 0, sea, np.where(whole, codes[touching.argmax(axis=0)], TEST)).astype(np.uint8)
        return values, touching & (values == TEST)

    # fine cells of `cell` degrees, found through coarse blocks of f x f cells; two empty
    # cells of margin, so that points off the grid are clamped into its all-sea rim
    f = 8
    allb = np.array([shapely.bounds(g) for _, g in zones])
    x0, y0 = allb[:, 0].min() - 2 * cell, allb[:, 1].min() - 2 * cell
    ncx = int(np.ceil(((allb[:, 2].max() - x0) / cell + 3) / f))
    ncy = int(np.ceil(((allb[:, 3].max() - y0) / cell + 3) / f))
    nx, ny = ncx * f, ncy * f
    ix, iy = np.meshgrid(np.arange(ncx), np.arange(ncy), indexing="ij")
    coarse, _ = cells_of(x0 + ix.ravel() * f * cell, y0 + iy.ravel() * f * cell, f * cell)
    coarse = coarse.reshape(ncx, ncy)
    table2 = np.repeat(np.repeat(coarse, f, axis=0), f, axis=1)
    touch2 = np.zeros((len(zones), nx, ny), dtype=bool)  # zone k to be tested in cell (i, j)
    bi, bj = np.nonzero(coarse == TEST)
    sub = np.arange(f)
    fi = (bi[:, None, None] * f + sub[None, :, None] + 0 * sub[None, None, :]).ravel()
    fj = (bj[:, None, None] * f + 0 * sub[None, :, None] + sub[None, None, :]).ravel()
    values, touching = cells_of(x0 + fi * cell, y0 + fj * cell, cell)
    table2[fi, fj] = values
    touch2[:, fi, fj] = touching
    rim = np.zeros((nx, ny), dtype=bool)
    rim[[0, -1], :] = rim[:, [0, -1]] = True
    assert (table2[rim] == sea).all()
    table = table2.ravel()
    touch = touch2.reshape(len(zones), nx * ny)
    inv = 1.0 / cell

    scratch: dict[str, np.ndarray] = {}

    def buffer(name, n, dtype):
        b = scratch.get(name)
        if b is None or len(b) != n:
            b = scratch[name] = np.empty(n, dtype=dtype)
        return b

    def classify(x, y, out):
        # cell index = trunc(vx) * ny + trunc(vy), in scratch buffers kept between runs;
        # finite input assumed (NaN would land on an arbitrary cell)
        vx, vy, c = buffer("vx", len(x), np.float64), buffer("vy", len(x), np.float64), buffer("c", len(x), np.intp)
        np.subtract(x, x0, out=vx)
        vx *= inv
        np.clip(vx, 0, nx - 1, out=vx)
        np.trunc(vx, out=vx)
        vx *= ny
        np.subtract(y, y0, out=vy)
        vy *= inv
        np.clip(vy, 0, ny - 1, out=vy)
        np.trunc(vy, out=vy)
        vx += vy
        c[:] = vx  # exact: small whole numbers
        np.take(table, c, out=out)
        # points in boundary cells: test each zone that touches their cell, last zone first
        ti = np.flatnonzero(out == TEST)
        out[ti] = sea
        tc, tx, ty = c[ti], x[ti], y[ti]
        for (code, g), touches in zip(reversed(zones), reversed(touch)):
            sel = np.flatnonzero(touches[tc])
            out[ti[sel[predicate(g, tx[sel], ty[sel])]]] = code

    return classify


VARIANTS: dict[str, Callable] = {
    "naive": setup_naive,
    "naive-intersects": lambda z, s: setup_naive(z, s, shapely.intersects_xy),
    "zone-bbox": setup_zone_bbox,
    "zone-bbox-intersects": lambda z, s: setup_zone_bbox(z, s, shapely.intersects_xy),
    "part-bbox": setup_part_bbox,
    "part-bbox-hier": setup_part_bbox_hier,
    "part-bbox-hier-intersects": lambda z, s: setup_part_bbox_hier(z, s, shapely.intersects_xy),
    "strtree": setup_strtree,
    "strtree-bbox": setup_strtree_bbox,
    "grid-0.2": lambda z, s: setup_grid(z, s, 0.2),
    "grid-0.1": lambda z, s: setup_grid(z, s, 0.1),
    "grid-0.05": lambda z, s: setup_grid(z, s, 0.05),
    "grid-0.02": lambda z, s: setup_grid(z, s, 0.02),
    "grid-0.01": lambda z, s: setup_grid(z, s, 0.01),
    "grid-0.01-intersects": lambda z, s: setup_grid(z, s, 0.01, shapely.intersects_xy),
    "grid-0.005": lambda z, s: setup_grid(z, s, 0.005),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("points")
    parser.add_argument("zones")
    parser.add_argument("out")
    parser.add_argument("--zones-order", required=True, help="comma-separated zone ids, sea included")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variant", choices=sorted(VARIANTS), default=DEFAULT_VARIANT)
    parser.add_argument("--only", help="comma-separated zone ids to load (others count as sea)")
    args = parser.parse_args()

    order = args.zones_order.split(",")
    if SEA not in order:
        sys.exit("--zones-order must name sea")
    only = args.only.split(",") if args.only else None
    pts = np.fromfile(args.points, dtype="<f8")
    if pts.size % 2:
        sys.exit(f"{args.points}: not a whole number of (lon, lat) pairs")
    pts = pts.reshape(-1, 2)
    x, y = np.ascontiguousarray(pts[:, 0]), np.ascontiguousarray(pts[:, 1])

    started = time.perf_counter()
    zones = load_zones(args.zones, order, only)
    classify = VARIANTS[args.variant](zones, order.index(SEA))
    setup_seconds = time.perf_counter() - started

    out = np.empty(len(x), dtype=np.uint8)
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        classify(x, y, out)
        best = min(best, time.perf_counter() - started)
    out.tofile(args.out)
    print(json.dumps({
        "tool": "shapely",
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "variant": args.variant,
        "points": len(x),
        "zones": order,
        "only": only,
        "setup_seconds": setup_seconds,
        "threads": 1,
        "best_seconds": best,
        "million_points_per_second": len(x) / best / 1e6,
    }))


if __name__ == "__main__":
    main()
