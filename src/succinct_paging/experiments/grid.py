"""The experiment grid of one workflow job, as plain functions.

A *job* is one trace family at one cache size ``k`` under one error model and
rate (or the prediction-free baseline). For every instance and replicate seed
it draws predicted bits from the truth and runs every requested algorithm;
the result is a list of contract §6 rows. Workflow scripts only read inputs, call
these functions and write outputs.

Seeds: every random choice derives from the config's master seed and names
(:func:`derive_seed`), never from job order. Predicted bits of a replicate
depend on (family, instance, k, replicate) only — not on the rate or error
model — so errors are nested across rates (common random numbers) and all
algorithms of a run see the same bits.
"""

import numpy as np
import pandas as pd

from succinct_paging import traces as traces_mod
from succinct_paging.algorithms import parse_algorithm
from succinct_paging.algorithms import upper_bound
from succinct_paging.bounds import robust_budget
from succinct_paging.errors import inject_bits
from succinct_paging.seeds import derive_seed
from succinct_paging.simulation import run_parsed
from succinct_paging.store import atomic_path
from succinct_paging.truth import setup_instance
from succinct_paging.validate import as_budget, as_cache_size

#: Columns of the runs table, in order (contract §6).
COLUMNS = [
    "trace_family", "instance", "n", "N", "k", "algorithm", "prediction",
    "error_model", "rate", "seed", "faults", "opt", "eta0", "eta1", "ratio", "bound",
]


def compute_truth(traces, k):
    """True predictions of every instance for cache size ``k``.

    Returns a dict of arrays: ``opt`` and ``n_phases`` per instance, and the
    concatenated ``discard`` and ``phase`` bits. O(n log_64(n + N)) per instance.
    """
    instances = [setup_instance(pages, k) for _, pages in traces]
    opt = [inst.opt for inst in instances]
    n_phases = [inst.n_phases for inst in instances]
    discard = [inst.discard for inst in instances]
    phase = [inst.phase for inst in instances]
    cat = lambda xs: np.concatenate(xs) if xs else np.empty(0, np.uint8)  # noqa: E731
    return {
        "opt": np.array(opt, dtype=np.int64),
        "n_phases": np.array(n_phases, dtype=np.int64),
        "discard": cat(discard),
        "phase": cat(phase),
    }


def run_grid(family, traces, truth, k, algorithms, error_model, rate, replicates,
             master_seed, budget_factor=2, switch_factor=2.0, progress=None):
    """Rows of contract §6 for one job.

    ``error_model``/``rate``: the error model and rate of predicted bits, or
    ``"none"``/``None`` for the prediction-free baseline (then only algorithms
    without predictions may be given). ``replicates``: replicate seeds.
    ``progress``: optional callable receiving one line per instance.
    Returns a DataFrame with :data:`COLUMNS`, in a deterministic order.
    """
    parsed = [parse_algorithm(a) for a in algorithms]
    offsets = np.concatenate([[0], np.cumsum([len(p) for _, p in traces])])
    budget = robust_budget(budget_factor, k)
    rows = []
    for i, (instance, pages) in enumerate(traces):
        n = len(pages)
        n_pages = int(pages.max()) + 1 if n else 0
        opt = int(truth["opt"][i])
        n_phases = int(truth["n_phases"][i])
        true_bits = {kind: truth[kind][offsets[i]:offsets[i + 1]] for kind in ("discard", "phase")}
        for rep in replicates:
            predicted = {}
            if error_model != "none":
                bit_seed = derive_seed(master_seed, "bits", family, instance, k, rep)
                for kind, tb in true_bits.items():
                    predicted[kind] = inject_bits(tb, error_model, rate, derive_seed(bit_seed, kind))
            zeros = np.zeros(n, dtype=np.uint8)
            for alg in parsed:
                bits, eta0, eta1 = predicted.get(alg.prediction, (zeros, None, None))
                seed = derive_seed(master_seed, "alg", family, instance, k, rep, alg.id)
                faults = run_parsed(alg, pages, bits, as_cache_size(k, n_pages), n_pages, seed,
                                    as_budget(budget, n), switch_factor)
                bound = upper_bound(alg.id, k, opt, eta0 or 0, eta1 or 0, n_phases, budget)
                rows.append((family, instance, n, n_pages, k, alg.id, alg.prediction,
                             error_model, rate, rep, faults, opt, eta0, eta1,
                             faults / opt if opt else np.nan, bound))
        if progress:
            progress(f"{family} k={k} {error_model} rate={rate}: instance {i + 1}/{len(traces)} ({instance}) done")
    return to_frame(rows)


def to_frame(rows):
    """contract §6 rows as a typed DataFrame (nullable η columns, float rate)."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df = df.astype({
        "trace_family": str, "instance": str, "algorithm": str, "prediction": str,
        "error_model": str, "n": "int64", "N": "int64", "k": "int64", "seed": "int64",
        "faults": "int64", "opt": "int64", "eta0": "Int64", "eta1": "Int64",
        "rate": "float64", "ratio": "float64", "bound": "float64",
    })
    return df


def sort_runs(df):
    """Canonical row order of the runs table (independent of job order)."""
    keys = ["trace_family", "k", "error_model", "rate", "instance", "seed", "algorithm"]
    return df.sort_values(keys, na_position="first", kind="mergesort").reset_index(drop=True)


def make_family(name, spec, mirror, verify, master_seed):
    """The instances of one configured trace family: list of ``(name, pages)``.

    Synthetic generators get one seed per instance derived from the master
    seed and the family name; real families are read from ``mirror``, a
    ``files`` family from its own folder (first ``spec['instances']`` files
    when given).
    """
    gen = spec["generator"]
    if gen == "files" or gen in traces_mod.REAL_FAMILIES:
        if gen == "files":
            options = {key: spec[key] for key in ("format", "column", "delimiter", "header", "limit") if key in spec}
            loaded = traces_mod.load_trace_folder(spec["path"], spec.get("glob", "*.txt"), verify=verify, **options)
        else:
            loaded = traces_mod.load_real_family(mirror, gen, verify=verify)
        wanted = spec.get("instances", len(loaded))
        if wanted > len(loaded):
            raise ValueError(f"config key families.{name}.instances: {wanted} requested, but the "
                             f"{gen!r} source has only {len(loaded)} traces; allowed: 1 to {len(loaded)}")
        return loaded[:wanted]
    return [
        (f"{name}-{i}", traces_mod.generate(gen, spec["length"], derive_seed(master_seed, "trace", name, i),
                                            **spec.get("params", {})))
        for i in range(spec["instances"])
    ]


def write_runs(df, path):
    """Write a runs table as Parquet, atomically and reproducibly."""
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow")


def write_runs_csv(df, path):
    """Write a runs table as CSV (empty cells for NA), atomically."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")


def concat_runs(paths):
    """Concatenate per-job run tables in canonical order."""
    frames = [pd.read_parquet(p) for p in paths]
    return sort_runs(pd.concat(frames, ignore_index=True)) if frames else to_frame([])
