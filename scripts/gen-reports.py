#!/usr/bin/env python3
"""Generate synthetic reports from the ground, as NDJSON, for benchmarking `armistice check`.

Usage: python3 scripts/gen-reports.py OUT.ndjson [N] [--seed S]

Writes N reports (default 10,000,000) to OUT.ndjson (`-` for standard output). The same
seed and N always give the same bytes. Python 3.11 standard library only.

The mix is mostly point reports: personnel and vehicles seen in the two sides' territories
and sometimes in the demilitarized zone, with fewer zone entries and exits, crossings of
the demarcation line, hostile acts, rotations and materiel at the ports of entry,
aircraft (some with short tracks), vessels, hazards and casualty counts. Positions lie
within lon 124.5-130.5, lat 34-43: territory reports scatter around real towns on each
side, DMZ reports within 2 km of the line in data/korea-1953/geometry/mdl.geojson (north
half north of it), vessel reports off the coasts. Observation times run from 1953-07-28
to 1953-12-31, Korean time (+09:00). The format is docs/report-format.md; every line
validates against docs/report.schema.json. The reports are invented: they say nothing
about what happened.

Size and speed: about 360 bytes a report, so 10,000,000 reports make about 3.6 GB and take
about a minute and a half on one core (lines are built as text and written in chunks).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MDL = REPO / "data" / "korea-1953" / "geometry" / "mdl.geojson"

CHUNK = 50_000  # lines per write

SIDES = ("unc", "kpa-cpv")

# Towns well away from the line, [lon, lat]: scatter centres for territory reports.
SOUTH_TOWNS = [
    (126.98, 37.57), (127.01, 37.27), (126.78, 37.48), (127.73, 37.88), (127.95, 37.34),
    (128.80, 37.70), (127.38, 36.35), (127.49, 36.64), (128.60, 35.87), (126.85, 35.16),
    (127.15, 35.82), (128.98, 35.24), (128.73, 36.57), (129.15, 36.05), (128.60, 35.28),
    (126.55, 34.97), (127.51, 37.83), (127.20, 37.90), (127.89, 37.69), (128.17, 38.07),
    (127.99, 38.10), (126.85, 37.76), (127.05, 37.74), (127.20, 38.10), (126.95, 35.95),
]
NORTH_TOWNS = [
    (125.75, 39.02), (126.55, 38.02), (125.76, 38.51), (125.75, 38.16), (127.30, 38.49),
    (127.33, 39.10), (127.54, 39.92), (124.62, 40.08), (125.62, 39.60), (126.60, 40.97),
    (126.45, 41.00), (129.60, 41.80), (129.05, 40.72), (128.15, 41.25), (126.31, 39.75),
    (125.93, 39.43), (126.48, 38.22), (126.90, 38.48), (127.42, 38.85), (128.10, 40.20),
    (129.33, 40.96), (126.28, 40.17), (125.90, 39.70),
]
# Open water off each side's coasts.
SOUTH_SEA = [(129.30, 34.90), (129.30, 37.60), (126.30, 37.20), (126.10, 35.90), (127.90, 34.25)]
NORTH_SEA = [(127.80, 39.30), (125.30, 37.45), (124.80, 39.20), (129.10, 40.30), (128.70, 39.00)]

PORTS = {
    "unc": ["inchon", "taegu", "pusan", "kangnung", "kunsan"],
    "kpa-cpv": ["sinuiju", "chongjin", "hungnam", "manpo", "sinanju"],
}
NOT_PORTS = {"unc": ["suwon", "mokpo"], "kpa-cpv": ["wonsan", "haeju"]}

MATERIEL = [
    ("combat-aircraft", ["F-86 Sabre", "F-84 Thunderjet", "MiG-15", "Il-10"]),
    ("armored-vehicle", ["M46 Patton tank", "M4A3 Sherman tank", "T-34-85 tank", "SU-76 gun"]),
    ("weapon", ["M1 rifle", "Browning M1919 machine gun", "PPSh-41 submachine gun", "105 mm howitzer"]),
    ("ammunition", ["105 mm howitzer round", ".30-06 cartridge", "7.62 mm cartridge", "122 mm howitzer round"]),
]
VEHICLES = {
    "unc": ["2.5-ton cargo truck", "jeep", "M46 Patton tank", "M3 half-track", "ambulance"],
    "kpa-cpv": ["GAZ-51 truck", "ZIS-5 truck", "T-34-85 tank", "GAZ-67 jeep", "horse cart"],
}
AIRCRAFT = {"unc": ["F-86 Sabre", "F-84 Thunderjet", "B-26 Invader", "L-19 Bird Dog"], "kpa-cpv": ["MiG-15", "Yak-9", "Il-10", "Po-2"]}
VESSELS = {"unc": ["destroyer", "frigate", "minesweeper", "LST"], "kpa-cpv": ["patrol boat", "motor torpedo boat", "junk"]}
HAZARDS = ["anti-personnel minefield", "anti-tank minefield", "barbed wire", "bunker", "prepared demolition"]
ACTS = ["small-arms fire", "machine-gun fire", "mortar fire", "artillery fire", "grenade thrown", "ambush"]
PRECISION = ["second", "minute", "minute", "minute", "hour", "hour", "day"]


def load_line() -> list[tuple[float, float]]:
    with open(MDL, encoding="utf-8") as f:
        doc = json.load(f)
    feature = doc["features"][0] if doc.get("type") == "FeatureCollection" else doc
    geometry = feature.get("geometry", feature)
    return [(float(x), float(y)) for x, y in geometry["coordinates"]]


def dmz_sampler(line: list[tuple[float, float]], rng: random.Random):
    """A function giving a random point within 2 km of the line: (lon, lat, in the north half).
    Ask for a half with north=True or False; by default either."""
    segments = []
    cumulative = []
    total = 0.0
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        lat = (y0 + y1) / 2
        kx = 111_320.0 * math.cos(math.radians(lat))
        ky = 110_574.0
        dx, dy = (x1 - x0) * kx, (y1 - y0) * ky
        length = math.hypot(dx, dy)
        # Unit normal to the left of the segment's direction (north for a west-east line),
        # converted back to degrees per metre.
        nx, ny = -dy / length / kx, dx / length / ky
        segments.append((x0, y0, x1 - x0, y1 - y0, nx, ny))
        total += length
        cumulative.append(total)
    rand = rng.random

    def sample(north: bool | None = None) -> tuple[float, float, bool]:
        i = bisect.bisect_left(cumulative, rand() * total)
        x0, y0, dx, dy, nx, ny = segments[min(i, len(segments) - 1)]
        t = rand()
        offset = (rand() * 2.0 - 1.0) * 1950.0  # metres; positive is the north half
        if north is not None and (offset >= 0.0) != north:
            offset = -offset
        return x0 + t * dx + offset * nx, y0 + t * dy + offset * ny, offset >= 0.0

    return sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate synthetic armistice reports (NDJSON) for benchmarks.")
    parser.add_argument("out", help="output file, or - for standard output")
    parser.add_argument("n", nargs="?", type=int, default=10_000_000, help="number of reports (default 10,000,000)")
    parser.add_argument("--seed", type=int, default=1953, help="random seed (default 1953)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be 0 or more")

    rng = random.Random(args.seed)
    rand = rng.random
    randrange = rng.randrange
    gauss = rng.gauss
    dmz = dmz_sampler(load_line(), rng)

    # Times: day strings from 1953-07-28 on, and every second of the day as HH:MM:SS.
    first = dt.date(1953, 7, 28)
    observed_days = (dt.date(1953, 12, 31) - first).days + 1
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range(observed_days + 4)]
    hms = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    def stamp(seconds: int) -> str:
        return f"{days[seconds // 86400]}T{hms[seconds % 86400]}+09:00"

    # Reporters, as ready-made JSON.
    def reporter(party: str, team: str, observers: list[tuple[str, str]] = ()) -> str:
        obj = {"party": party, "team": team}
        if observers:
            obj["observers"] = [{"name": n, "nationality": c} for n, c in observers]
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)

    own_reporters = {
        "unc": [reporter("unc", f"unc-op-{i}") for i in range(1, 41)],
        "kpa-cpv": [reporter("kpa-cpv", f"kpa-cpv-op-{i}") for i in range(1, 41)],
    }
    jot_nations = [("US", "KP"), ("GB", "CN"), ("TR", "KP"), ("US", "CN"), ("AU", "CN"), ("CA", "KP")]
    jots = [
        reporter("mac", f"jot-{i}", [(f"Observer {i}-A", jot_nations[i % 6][0]), (f"Observer {i}-B", jot_nations[i % 6][1])])
        for i in range(1, 11)
    ]
    nnit_nations = [("SE", "PL"), ("CH", "CS"), ("SE", "CS"), ("CH", "PL")]
    nnits = {
        port: reporter("nnsc", f"nnit-{port}", [(f"Inspector {port}-A", nnit_nations[k % 4][0]), (f"Inspector {port}-B", nnit_nations[k % 4][1])])
        for k, port in enumerate(PORTS["unc"] + PORTS["kpa-cpv"])
    }
    mobile = [reporter("nnsc", f"nnit-mobile-{i}", [(f"Inspector M{i}-A", "SE"), (f"Inspector M{i}-B", "PL")]) for i in range(1, 11)]

    def pick(seq):
        return seq[int(rand() * len(seq))]

    def town(side: str) -> tuple[float, float]:
        lon, lat = pick(SOUTH_TOWNS if side == "unc" else NORTH_TOWNS)
        return (min(130.5, max(124.5, lon + gauss(0.0, 0.05))), min(43.0, max(34.0, lat + gauss(0.0, 0.04))))

    def sea(side: str) -> tuple[float, float]:
        lon, lat = pick(SOUTH_SEA if side == "unc" else NORTH_SEA)
        return (min(130.5, max(124.5, lon + gauss(0.0, 0.08))), min(43.0, max(34.0, lat + gauss(0.0, 0.08))))

    # Kinds, by share of reports (per mille).
    shares = [
        ("personnel", 500), ("vehicle", 220), ("rotation", 60), ("zone-entry", 50), ("aircraft", 40),
        ("materiel", 30), ("vessel", 30), ("casualties", 25), ("hazard", 20), ("crossing", 15), ("hostile-act", 10),
    ]
    table = [k for k, share in shares for _ in range(share)]
    assert len(table) == 1000

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="ascii", newline="\n")
    started = time.monotonic()
    buffer: list[str] = []
    append = buffer.append
    span = observed_days * 86400
    try:
        for n in range(1, args.n + 1):
            kind = table[int(rand() * 1000)]
            side = SIDES[int(rand() * 2)]
            other = SIDES[1] if side == SIDES[0] else SIDES[0]
            t = randrange(span)
            precision = pick(PRECISION)
            if precision == "minute":
                t -= t % 60
            elif precision == "hour":
                t -= t % 3600
            elif precision == "day":
                t -= t % 86400
            received = stamp(t + 1800 + randrange(172_800))
            if precision == "day" or rand() < 0.08:
                width = 86399 if precision == "day" else 600 * (1 + randrange(36))
                observed = f'{{"from":"{stamp(t)}","to":"{stamp(t + width)}"}}'
            else:
                observed = f'"{stamp(t)}"'
            r = rand()
            if r < 0.55:
                by = pick(own_reporters[side])
            elif r < 0.8:
                by = pick(own_reporters[other])
            elif r < 0.95:
                by = pick(jots)
            else:
                by = pick(mobile)
            place = ""
            body = ""
            extra = ""
            if kind == "personnel":
                r = rand()
                if r < 0.82:
                    lon, lat = town(side if rand() < 0.97 else other)
                    category = "military" if rand() < 0.8 else pick(("civilian", "relief", "civil-administration"))
                else:
                    lon, lat, north = dmz((side == "kpa-cpv") == (rand() < 0.95))
                    category = pick(("civil-administration", "civil-administration", "civil-police", "relief", "commission", "salvage", "military"))
                armed = category in ("military", "civil-police") and rand() < 0.9
                count = 1 + int(rand() ** 3 * 800)
                body = f'"side":"{side}","count":{count},"category":"{category}","armed":{"true" if armed else "false"}'
                if category == "military" and rand() < 0.3:
                    body += f',"unit":"{side}-unit-{randrange(1, 400)}"'
            elif kind == "vehicle":
                lon, lat = town(side) if rand() < 0.9 else dmz(side == "kpa-cpv")[:2]
                body = f'"side":"{side}","count":{1 + int(rand() ** 2 * 60)},"military":{"true" if rand() < 0.85 else "false"},"vehicle_type":"{pick(VEHICLES[side])}"'
            elif kind == "zone-entry":
                lon, lat, north = dmz(side == "kpa-cpv")
                category = pick(("civil-administration", "civil-administration", "civil-administration", "relief", "civil-police", "commission", "salvage", "military"))
                body = f'"side":"{side}","count":{1 + int(rand() ** 2 * 300)},"category":"{category}","direction":"{"in" if rand() < 0.5 else "out"}"'
                if category == "civil-police":
                    body += ',"armed":true'
                if category in ("commission", "salvage") or rand() < 0.1:
                    body += f',"authorization":"MAC-AUTH-{randrange(1, 10000):04d}"'
            elif kind == "crossing":
                lon, lat, north = dmz()
                category = pick(("military", "civilian", "commission", "relief"))
                body = f'"side":"{side}","count":{1 + int(rand() ** 3 * 40)},"category":"{category}"'
                if rand() < 0.6:
                    body += f',"authorization":"MAC-AUTH-{randrange(1, 10000):04d}"'
            elif kind == "hostile-act":
                lon, lat, north = dmz() if rand() < 0.6 else (*town(side), True)
                body = f'"act":"{pick(ACTS)}"'
                if rand() < 0.5:
                    body = f'"side":"{other}",' + body
                if rand() < 0.5:
                    olon, olat = town(other)
                    body += f',"origin":[{olon:.5f},{olat:.5f}]'
                if rand() < 0.5:
                    body += f',"direction_deg":{randrange(3600) / 10}'
                if rand() < 0.7:
                    extra += f',"alleged_responsible":"{other}"'
            elif kind == "aircraft":
                body = f'"side":"{side}","military":{"true" if rand() < 0.9 else "false"},"aircraft_type":"{pick(AIRCRAFT[side])}"'
                lon, lat = town(side) if rand() < 0.85 else town(other)
                if rand() < 0.4:
                    heading = rand() * 2 * math.pi
                    step = 0.05 + rand() * 0.1
                    fixes = []
                    for k in range(3):
                        fixes.append(
                            f'{{"at":"{stamp(t + 60 * k)}","position":[{min(130.5, max(124.5, lon + k * step * math.sin(heading))):.5f},{min(43.0, max(34.0, lat + k * step * math.cos(heading))):.5f}]}}'
                        )
                    place = f',"track":[{",".join(fixes)}]'
            elif kind == "vessel":
                lon, lat = sea(side) if rand() < 0.9 else sea(other)
                naval = rand() < 0.8
                body = f'"side":"{side}","naval":{"true" if naval else "false"},"blockading":{"true" if naval and rand() < 0.01 else "false"},"vessel_type":"{pick(VESSELS[side])}"'
            elif kind == "hazard":
                lon, lat, north = dmz()
                side = "kpa-cpv" if north else "unc"
                body = f'"side":"{side}","hazard":"{pick(HAZARDS)}","removed":{"true" if rand() < 0.4 else "false"}'
            elif kind == "rotation":
                port = pick(PORTS[side]) if rand() < 0.995 else pick(NOT_PORTS[side])
                body = f'"side":"{side}","port":"{port}","direction":"{"in" if rand() < 0.5 else "out"}","count":{50 + randrange(2500)}'
                lon = lat = None
            elif kind == "materiel":
                category, items = pick(MATERIEL)
                port = pick(PORTS[side])
                quantity = 1 + randrange(40) if category in ("combat-aircraft", "armored-vehicle") else 10 + randrange(20_000)
                body = f'"side":"{side}","port":"{port}","direction":"{"in" if rand() < 0.5 else "out"}","category":"{category}","item_type":"{pick(items)}","quantity":{quantity}'
                lon = lat = None
            else:  # casualties
                low = int(rand() ** 3 * 20)
                best = low + int(rand() * 3)
                high = best + int(rand() * 4)
                body = f'"side":"{side}","killed":{{"low":{low},"best":{best},"high":{high}}}'
                if rand() < 0.7:
                    wl = int(rand() ** 2 * 30)
                    body += f',"wounded":{{"low":{wl},"best":{wl + 1},"high":{wl + 3}}}'
                lon, lat = town(side) if rand() < 0.5 else dmz(side == "kpa-cpv")[:2]
            if kind in ("rotation", "materiel") and rand() < 0.5:
                by = nnits.get(port, pick(mobile))
            if not place and lon is not None:
                place = f',"position":[{lon:.5f},{lat:.5f}],"location_precision_m":{pick((50, 100, 250, 500, 1000, 5000))}'
            if rand() < 0.01:
                extra += f',"evidence":[{{"sha256":"{rng.getrandbits(256):064x}","name":"g-{n:08d}.jpg"}}]'
            append(
                f'{{"id":"g-{n:08d}","reported_by":{by},"observed_at":{observed},"time_precision":"{precision}",'
                f'"received_at":"{received}"{place},"kind":"{kind}",{body}{extra}}}\n'
            )
            if len(buffer) >= CHUNK:
                out.write("".join(buffer))
                buffer.clear()
        out.write("".join(buffer))
    finally:
        if out is not sys.stdout:
            out.close()
    elapsed = time.monotonic() - started
    print(f"wrote {args.n:,} reports to {args.out} in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
