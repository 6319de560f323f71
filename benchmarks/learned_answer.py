"""The answer table on the real cache traces, with the library directly
(contract §10; docs/learned-predictors.md): OPT, LRU, marker and every
(learned predictor × algorithm) pair on the small cache traces of the mirror
at a small and a large k (1 % and 10 % of the footprint; OLTP at the ARC
paper's 1,000 pages). One seed. A tool, outside the library.

    python benchmarks/learned_answer.py [--mirror DIR] [--out results/learned_answer_cache.csv]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from succinct_paging import traces as T
from succinct_paging.bitsources import learned_ids
from succinct_paging.experiments.grid import compute_truth, run_grid
from succinct_paging.experiments.learned import answer_table, learned_runs, target_check
from succinct_paging.settings import RunSettings

SMALL = {  # file -> cache sizes (None: 1 % and 10 % of the footprint)
    "lirs_cpp.txt.zst": None, "lirs_glimpse.txt.zst": None, "lirs_multi2.txt.zst": None,
    "lirs_sprite.txt.zst": None, "cloudphysics.oracleGeneral.bin": None, "arc_OLTP.txt.zst": [1000],
    "cache2k_mt-20121220.txt.zst": None, "cache2k_mt-20130703.txt.zst": None,
}
ONE_BIT = ["followbits", "followbits_robust", "mark0", "combine(followbits,lru)", "mark_predict"]
FULL = ["blind_oracle", "predictive_marker", "lmarker", "combine(blind_oracle,lru)"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default="/work/shared/traces")
    ap.add_argument("--out", default="results/learned_answer_cache.csv")
    ap.add_argument("--only", nargs="*", help="file names to run (default: all small ones)")
    ap.add_argument("--predictors", nargs="*", default=list(learned_ids()))
    ap.add_argument("--switch-factor", type=float, default=2.0, help="combine(A,B)'s switch factor")
    ap.add_argument("--params", default="{}", help='JSON {predictor: {param: value}} (e.g. \'{"optgen": {"threshold": 6}}\')')
    args = ap.parse_args(argv)
    params = json.loads(args.params)
    frames = []
    for name, ks in SMALL.items():
        if args.only and name not in args.only:
            continue
        path = Path(args.mirror) / "cache" / name
        fmt = "oracleGeneral" if name.endswith(".bin") else "txt"
        pages = T.read_trace(path, fmt)
        distinct = int(pages.max()) + 1
        ks = ks or sorted({max(10, distinct // 100), max(20, distinct // 10)})
        fam = name.split(".")[0].replace("-", "_")
        traces = [(fam, pages)]
        for k in ks:
            t0 = time.time()
            truth = compute_truth(traces, k)
            parts = [run_grid(fam, traces, truth, k, ["opt", "lru", "marker"], "none", None, [0], 0)]
            for pred in args.predictors:
                parts.append(learned_runs(fam, traces, truth, k, pred, ONE_BIT + FULL, [0], 0,
                                          params=params.get(pred), settings=RunSettings(switch_factor=args.switch_factor)))
            frames += parts
            print(f"{fam} n={len(pages)} N={distinct} k={k}: {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
    runs = pd.concat(frames, ignore_index=True)
    answer = answer_table(runs)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    answer.to_csv(args.out, index=False, float_format="%.4f")
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    best = answer[answer["predictor"] != "none"].sort_values("lru_excess_removed").groupby(
        ["trace_family", "k"]).tail(1)
    print(best[["trace_family", "k", "predictor", "algorithm", "ratio", "lru_excess_removed", "eta0", "eta1"]].to_string())
    print(target_check(answer).to_string())


if __name__ == "__main__":
    main()
