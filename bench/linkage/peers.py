#!/usr/bin/env python3
"""The peers: Splink 4 (DuckDB backend) and recordlinkage, each configured the way its
documentation teaches for this kind of data, on the same CSV files armistice reads.

Usage: peers.py {splink,recordlinkage} {febrl,names} A.csv B.csv OUT_PAIRS.csv

Writes the pairs the tool calls matches (a_id,b_id) and prints one JSON line with the
time spent after the CSV files were read (`compute_s`).

- Splink: link_only; blocking rules on exact columns (names with birth year, birth
  date, serial number and postcode for FEBRL); Jaro-Winkler levels for names, levels
  for full date / year and month / year, exact or near serial number and address for
  FEBRL, unit and nationality for the names benchmark; u by random sampling, m by
  expectation maximisation on two blocking rules; pairs with match probability >= 0.5.
- recordlinkage: the same blocks (the union of several `Index.block` calls), binary
  comparison features (Jaro-Winkler >= 0.85 for names and addresses, exact for the
  rest), the unsupervised ECM classifier.
"""

import csv
import json
import sys
import time

import pandas as pd


def load(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("id", drop=False)
    for c in df.columns:
        if c != "id":
            df[c] = df[c].str.strip().str.lower()
    df["birth_year"] = df["birth_date"].str.slice(0, 4)
    df["birth_month"] = df["birth_date"].str.slice(0, 7).where(df["birth_date"].str.len() >= 7, "")
    return df.replace("", None)


def splink_pairs(dataset, a, b):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    a = a.assign(source="a")
    b = b.assign(source="b")
    a = a.rename(columns={"id": "unique_id"})
    b = b.rename(columns={"id": "unique_id"})
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel("birth_month_l = birth_month_r", label_for_charts="same year and month"),
            cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts="same year"),
            cll.ElseLevel(),
        ],
    )
    comparisons = [
        cl.JaroWinklerAtThresholds("family_name", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
        birth,
    ]
    blocking = [
        block_on("family_name", "birth_year"),
        block_on("given_name", "birth_year"),
        block_on("birth_date"),
        block_on("family_name", "given_name"),
    ]
    if dataset == "febrl":
        comparisons += [
            cl.LevenshteinAtThresholds("serial_number", [1, 2]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
            cl.ExactMatch("street_number"),
        ]
        blocking += [block_on("serial_number"), block_on("postcode", "birth_year")]
    else:
        comparisons += [cl.ExactMatch("unit"), cl.ExactMatch("nationality")]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker([a, b], settings, db_api=DuckDBAPI(), input_table_aliases=["a", "b"])
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1953)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("family_name", "given_name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    pairs = []
    for r in predictions.itertuples():
        left, right = (r.unique_id_l, r.unique_id_r) if r.source_dataset_l == "a" else (r.unique_id_r, r.unique_id_l)
        pairs.append((left, right))
    return pairs


def recordlinkage_pairs(dataset, a, b):
    import recordlinkage as rl

    indexer = rl.Index()
    indexer.block(["family_name", "birth_year"])
    indexer.block(["given_name", "birth_year"])
    indexer.block("birth_date")
    indexer.block(["family_name", "given_name"])
    if dataset == "febrl":
        indexer.block("serial_number")
        indexer.block(["postcode", "birth_year"])
    candidates = indexer.index(a, b)
    compare = rl.Compare()
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85, label="family_name")
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.exact("birth_date", "birth_date", label="birth_date")
    compare.exact("birth_year", "birth_year", label="birth_year")
    if dataset == "febrl":
        compare.exact("serial_number", "serial_number", label="serial_number")
        compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85, label="address_1")
        compare.exact("suburb", "suburb", label="suburb")
        compare.exact("postcode", "postcode", label="postcode")
        compare.exact("state", "state", label="state")
    else:
        compare.exact("unit", "unit", label="unit")
        compare.exact("nationality", "nationality", label="nationality")
    features = compare.compute(candidates, a, b)
    matches = rl.ECMClassifier(binarize=None).fit_predict(features)
    return [(x, y) for x, y in matches]


def main():
    tool, dataset, path_a, path_b, out = sys.argv[1:6]
    a, b = load(path_a), load(path_b)
    start = time.perf_counter()
    pairs = (splink_pairs if tool == "splink" else recordlinkage_pairs)(dataset, a, b)
    compute = time.perf_counter() - start
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["a_id", "b_id"])
        w.writerows(pairs)
    print(json.dumps({"tool": tool, "compute_s": round(compute, 3), "pairs": len(pairs)}))


if __name__ == "__main__":
    main()
