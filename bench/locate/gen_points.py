#!/usr/bin/env python3
"""Write N uniformly random (lon, lat) points as little-endian f64 pairs.

Usage: gen_points.py OUT.f64 [N] [--seed S] [--box LON0,LON1,LAT0,LAT1]

Longitude is uniform in [124, 131), latitude in [33, 43) unless --box says otherwise: a
box around the Korean peninsula, so most points are sea, north or south and a few hit
the DMZ and estuary (--box 126.1,128.4,37.6,38.7 puts them around the DMZ and estuary).
The same N, seed and box give the same file on every machine (numpy's default_rng, PCG64).
"""

import argparse

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="output file of little-endian f64 (lon, lat) pairs")
    parser.add_argument("n", nargs="?", type=int, default=10_000_000, help="number of points")
    parser.add_argument("--seed", type=int, default=1953, help="random seed (default 1953)")
    parser.add_argument("--box", default="124,131,33,43", help="LON0,LON1,LAT0,LAT1 (default 124,131,33,43)")
    args = parser.parse_args()
    lon0, lon1, lat0, lat1 = (float(v) for v in args.box.split(","))

    rng = np.random.default_rng(args.seed)
    points = np.empty((args.n, 2), dtype="<f8")
    points[:, 0] = rng.uniform(lon0, lon1, args.n)
    points[:, 1] = rng.uniform(lat0, lat1, args.n)
    points.tofile(args.out)


if __name__ == "__main__":
    main()
