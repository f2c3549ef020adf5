#!/usr/bin/env python3
"""Convert Natural Earth 1:10m country geometry (via world-atlas) into the
committed Korea 1953 geometry files.

Input : countries-10m.json from the npm package world-atlas@2.0.2 (TopoJSON,
        Natural Earth 4.1.0 admin 0 countries, quantized + delta-encoded).
Output: data/korea-1953/geometry/mdl.geojson   (the North/South land boundary)
        data/korea-1953/geometry/land.geojson  (land MultiPolygons of both)
        data/korea-1953/geometry/SOURCE.md     (provenance)

Python 3.11 standard library only. Deterministic: identical input gives
byte-identical output.

Usage:
    mkdir -p /tmp/ne && cd /tmp/ne && npm init -y && npm install world-atlas@2.0.2
    python3 scripts/convert-natural-earth.py --npm-dir /tmp/ne
    # or: python3 scripts/convert-natural-earth.py path/to/countries-10m.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

PACKAGE = "world-atlas"
PACKAGE_VERSION = "2.0.2"
NE_VERSION = "4.1.0"  # stated in the world-atlas 2.0.2 README
SOURCE = f"Natural Earth 1:10m admin 0 countries via {PACKAGE} {PACKAGE_VERSION} (countries-10m.json)"
SOURCE_VERSION = f"Natural Earth 1:10m admin 0 countries v{NE_VERSION} via {PACKAGE} {PACKAGE_VERSION}"
LICENCE = "Public domain (Natural Earth); world-atlas package ISC"
CONVERTED_BY = "scripts/convert-natural-earth.py"

NORTH = {"topo_id": "408", "name": "North Korea", "id": "land-north", "iso": "PRK"}
SOUTH = {"topo_id": "410", "name": "South Korea", "id": "land-south", "iso": "KOR"}

EARTH_RADIUS_KM = 6371.0088
NDIGITS = 6

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "data" / "korea-1953" / "geometry"


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------

def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Decode all arcs to absolute lon/lat (un-delta, un-quantize)."""
    transform = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if transform:
            sx, sy = transform["scale"]
            tx, ty = transform["translate"]
            x = y = 0
            pts = []
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        out.append(pts)
    return out


def arc_coords(arcs: list, index: int) -> list[tuple[float, float]]:
    """Coordinates of arc `index`; ~i (negative) means arc i reversed."""
    if index >= 0:
        return list(arcs[index])
    return list(reversed(arcs[~index]))


def stitch(arcs: list, indices: list[int]) -> list[tuple[float, float]]:
    """Join a sequence of arcs, dropping each shared junction vertex."""
    pts: list[tuple[float, float]] = []
    for i in indices:
        c = arc_coords(arcs, i)
        if pts:
            if pts[-1] != c[0]:
                raise ValueError(f"arc {i} does not continue the chain")
            c = c[1:]
        pts.extend(c)
    return pts


def geometry_polygons(geom: dict) -> list[list[list[int]]]:
    if geom["type"] == "Polygon":
        return [geom["arcs"]]
    if geom["type"] == "MultiPolygon":
        return geom["arcs"]
    raise ValueError(f"unexpected geometry type {geom['type']}")


def arc_indices(geom: dict) -> set[int]:
    return {a if a >= 0 else ~a for poly in geometry_polygons(geom) for ring in poly for a in ring}


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------

def rnd(p: tuple[float, float]) -> list[float]:
    # + 0.0 normalises -0.0
    return [round(p[0], NDIGITS) + 0.0, round(p[1], NDIGITS) + 0.0]


def round_line(pts) -> list[list[float]]:
    out: list[list[float]] = []
    for p in pts:
        q = rnd(p)
        if not out or out[-1] != q:
            out.append(q)
    return out


def signed_area(ring) -> float:
    """Shoelace in lon/lat; > 0 means counter-clockwise."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def orient(ring, ccw: bool):
    if (signed_area(ring) > 0) != ccw:
        ring = list(reversed(ring))
    return ring


def haversine_km(a, b) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def line_length_km(pts) -> float:
    return sum(haversine_km(a, b) for a, b in zip(pts, pts[1:]))


def build_multipolygon(arcs, geom) -> list:
    polys = []
    for poly in geometry_polygons(geom):
        rings = []
        for k, ring_idx in enumerate(poly):
            ring = round_line(stitch(arcs, ring_idx))
            if ring[0] != ring[-1]:
                ring.append(list(ring[0]))
            if len(ring) < 4:
                raise ValueError("degenerate ring")
            rings.append(orient(ring, ccw=(k == 0)))
        polys.append(rings)
    return polys


def order_shared_arcs(arcs, shared: list[int]) -> list[int]:
    """Order shared arcs into one connected chain (signed indices)."""
    remaining = sorted(shared)
    chain = [remaining.pop(0)]
    while remaining:
        head = arc_coords(arcs, chain[0])[0]
        tail = arc_coords(arcs, chain[-1])[-1]
        for i in list(remaining):
            c = arcs[i]
            if c[0] == tail:
                chain.append(i)
            elif c[-1] == tail:
                chain.append(~i)
            elif c[-1] == head:
                chain.insert(0, i)
            elif c[0] == head:
                chain.insert(0, ~i)
            else:
                continue
            remaining.remove(i)
            break
        else:
            raise ValueError(f"shared arcs do not form a single chain: {shared}")
    return chain


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=None, separators=(",", ":"))


def feature_collection(features: list[dict]) -> str:
    """One feature per line, so diffs stay readable."""
    body = ",\n".join(dumps(f) for f in features)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def source_props() -> dict:
    return {
        "source": SOURCE,
        "source_version": SOURCE_VERSION,
        "licence": LICENCE,
        "converted_by": CONVERTED_BY,
    }


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="path to countries-10m.json")
    ap.add_argument("--npm-dir", default=".", help="dir containing node_modules/world-atlas (default: .)")
    ap.add_argument("--out-dir", default=str(OUT_DIR), help=f"output dir (default: {OUT_DIR})")
    args = ap.parse_args(argv)

    src = Path(args.input) if args.input else Path(args.npm_dir) / "node_modules" / PACKAGE / "countries-10m.json"
    raw = src.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    topo = json.loads(raw)

    pkg = src.parent / "package.json"
    if pkg.exists():
        ver = json.loads(pkg.read_text(encoding="utf-8")).get("version")
        if ver != PACKAGE_VERSION:
            print(f"warning: {pkg} has version {ver}, expected {PACKAGE_VERSION}", file=sys.stderr)

    arcs = decode_arcs(topo)
    geoms = {g.get("id"): g for g in topo["objects"]["countries"]["geometries"]}
    for c in (NORTH, SOUTH):
        g = geoms.get(c["topo_id"])
        if g is None or g.get("properties", {}).get("name") != c["name"]:
            raise SystemExit(f"country {c['topo_id']} ({c['name']}) not found in {src}")

    gn, gs = geoms[NORTH["topo_id"]], geoms[SOUTH["topo_id"]]

    # ---- MDL: arcs shared by both countries --------------------------------
    shared = sorted(arc_indices(gn) & arc_indices(gs))
    if not shared:
        raise SystemExit("no shared arcs between North and South Korea")
    chain = order_shared_arcs(arcs, shared)
    line = round_line(stitch(arcs, chain))
    if line[0][0] > line[-1][0]:
        line.reverse()  # west to east
    nverts = len(line)
    length = line_length_km(line)

    mdl_props = {
        "id": "mdl",
        "name": "Military Demarcation Line",
        **source_props(),
        "notes": (
            f"Natural Earth's simplified 1:10m land boundary between North and South Korea "
            f"(shared TopoJSON arc(s) {shared}), oriented west to east: {nverts} vertices, "
            f"{length:.1f} km geodesic length (haversine, R={EARTH_RADIUS_KM} km). The line on the "
            f"ground is about 240-248 km; this one is shorter because it is generalised. "
            f"Replace with a finer line file using the same id 'mdl'."
        ),
    }
    mdl = {"type": "Feature", "properties": mdl_props, "geometry": {"type": "LineString", "coordinates": line}}

    # ---- land polygons -----------------------------------------------------
    land_features = []
    stats = {}
    for c, g in ((NORTH, gn), (SOUTH, gs)):
        mp = build_multipolygon(arcs, g)
        stats[c["id"]] = (len(mp), sum(len(r) for p in mp for r in p))
        props = {"id": c["id"], "name": c["name"], "iso": c["iso"], **source_props()}
        land_features.append(
            {"type": "Feature", "properties": props, "geometry": {"type": "MultiPolygon", "coordinates": mp}}
        )

    # ---- check the line lies on both polygons' boundaries -------------------
    for f in land_features:
        verts = {tuple(p) for poly in f["geometry"]["coordinates"] for r in poly for p in r}
        missing = [p for p in line if tuple(p) not in verts]
        if missing:
            raise SystemExit(f"MDL vertices not on {f['properties']['id']} boundary: {missing[:3]}")

    out = Path(args.out_dir)
    write(out / "mdl.geojson", feature_collection([mdl]))
    write(out / "land.geojson", feature_collection(land_features))
    write(out / "SOURCE.md", source_md(sha, shared, nverts, length, line, stats))

    print(f"input   : {src} (sha256 {sha})")
    print(f"source  : {SOURCE_VERSION}")
    print(f"mdl     : arcs {shared}, {nverts} vertices, {length:.3f} km")
    print(f"          first {line[0]}  last {line[-1]}")
    for k, (np_, nv) in stats.items():
        print(f"{k:<11}: {np_} polygons, {nv} vertices")
    print(f"wrote   : {out / 'mdl.geojson'}, {out / 'land.geojson'}, {out / 'SOURCE.md'}")
    return 0


def source_md(sha, shared, nverts, length, line, stats) -> str:
    n_polys, n_verts = stats["land-north"]
    s_polys, s_verts = stats["land-south"]
    return f"""# Korea 1953 geometry: sources

## Generated by `scripts/convert-natural-earth.py`

| File | Content |
|---|---|
| `mdl.geojson` | One LineString Feature, id `mdl`: the land boundary between North Korea and South Korea, oriented west to east. |
| `land.geojson` | Two MultiPolygon Features: `land-north` (North Korea, PRK; {n_polys} polygons, {n_verts} vertices) and `land-south` (South Korea, KOR; {s_polys} polygons, {s_verts} vertices). Exterior rings counter-clockwise, holes clockwise (RFC 7946). |
| `SOURCE.md` | This file. |

Source: [Natural Earth](https://www.naturalearthdata.com/) 1:10m Admin 0 countries,
version {NE_VERSION}, as redistributed in TopoJSON by the npm package
`{PACKAGE}@{PACKAGE_VERSION}` (file `countries-10m.json`, sha256 `{sha}`).
TopoJSON ids: North Korea `{NORTH['topo_id']}`, South Korea `{SOUTH['topo_id']}`.

Licence: Natural Earth data is in the public domain; the `{PACKAGE}` package is ISC
(Copyright Michael Bostock).

Regenerate (from the repository root):

```sh
mkdir -p /tmp/ne && (cd /tmp/ne && npm init -y && npm install {PACKAGE}@{PACKAGE_VERSION})
python3 scripts/convert-natural-earth.py --npm-dir /tmp/ne
```

The script uses only the Python 3.11 standard library and is deterministic.
Coordinates are rounded to 6 decimals.

### The line

`mdl.geojson` is the TopoJSON arc(s) {shared} shared by both countries:
**{nverts} vertices, {length:.1f} km** geodesic length (haversine, R = {EARTH_RADIUS_KM} km),
from {line[0]} (west, Han estuary) to {line[-1]} (east coast).

This is Natural Earth's **simplified** 1:10m line, further quantized by
world-atlas (grid about 0.0036° × 0.0017°). The Military Demarcation Line on the
ground is about 240-248 km long; the shortfall is generalisation. It can be
replaced by a finer line file with the same id (`mdl`).

## Drawn by hand for armistice (not generated; the script does not touch them)

| File | Content |
|---|---|
| `han-river-estuary.geojson` | One Polygon, id `han-river-estuary`: an approximate corridor for the Han River Estuary waters (Armistice Agreement Art. I ¶5, Map 1), from the Imjin/Han confluence west to Kyodong-do/Malsan. It contains the western end of `mdl`. Project-drawn, CC0; to be replaced by a digitized Map 1 section. |
| `islands.geojson` | Five Points, the north-west islands kept by the UN Command (Art. II ¶13(b)): `paengyong-do`, `taechong-do`, `sochong-do`, `yonpyong-do`, `u-do`, from the coordinates given in the agreement (to the minute, so a point can be a kilometre or more off the island; Sochong-do, Yonpyong-do and U-do fall in the sea of `land.geojson`, and Sochong-do and U-do are not in Natural Earth 1:10m at all). |
"""


if __name__ == "__main__":
    sys.exit(main())
