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

from succinct_paging.seeds import derive_seed
from succinct_paging.settings import RunSettings
from succinct_paging.store import atomic_path, load_npz

# The kernels (numba), the registry and the trace readers are imported by the
# functions that run or read them: merge and table jobs that only concatenate
# run tables import pandas, not numba (issue 19).

#: Columns of the runs table, in order (contract §6).
COLUMNS = [
    "trace_family", "instance", "n", "N", "k", "algorithm", "prediction",
    "error_model", "rate", "seed", "faults", "opt", "eta0", "eta1", "ratio", "bound",
]


def is_trivial(pages, k):
    """True iff ``pages`` requests at most ``k`` distinct pages: every
    algorithm then pays exactly the cold faults, OPT = #distinct, and the
    instance says nothing about the bounds (contract §1: ratio 1 for all)."""
    return int(np.unique(np.asarray(pages)).shape[0]) <= int(k)


def compute_truth(traces, k, exclude_trivial=False):
    """True predictions of the instances for cache size ``k``.

    ``exclude_trivial``: drop the instances that request at most ``k``
    distinct pages (:func:`is_trivial`). Returns a dict of arrays: ``instances``
    (names of the instances kept, in trace order), ``opt`` and ``n_phases``
    per kept instance, the concatenated ``discard`` and ``phase`` bits of the
    kept instances, and ``excluded`` / ``excluded_distinct`` (names and
    numbers of distinct pages of the dropped ones). O(n log_64(n + N)) per
    instance.
    """
    kept, excluded, distinct = [], [], []
    for name, pages in traces:
        if exclude_trivial and is_trivial(pages, k):
            excluded.append(name)
            distinct.append(int(np.unique(np.asarray(pages)).shape[0]))
        else:
            kept.append((name, pages))
    from succinct_paging.truth import setup_instance

    instances = [setup_instance(pages, k) for _, pages in kept]
    cat = lambda xs: np.concatenate(xs) if xs else np.empty(0, np.uint8)  # noqa: E731
    return {
        "instances": np.array([name for name, _ in kept], dtype=str),
        "opt": np.array([inst.opt for inst in instances], dtype=np.int64),
        "n_phases": np.array([inst.n_phases for inst in instances], dtype=np.int64),
        "discard": cat([inst.discard for inst in instances]),
        "phase": cat([inst.phase for inst in instances]),
        "excluded": np.array(excluded, dtype=str),
        "excluded_distinct": np.array(distinct, dtype=np.int64),
    }


def truth_instances(traces, truth):
    """The ``(name, pages)`` of ``traces`` that ``truth`` covers, in order.

    A truth dict without ``instances`` covers every trace. Raises ValueError
    if a name of the truth is missing from the traces (stale files)."""
    if "instances" not in truth:
        return list(traces)
    by_name = dict(traces)
    names = [str(x) for x in truth["instances"]]
    missing = [x for x in names if x not in by_name]
    if missing:
        raise ValueError(f"truth names instances {missing[:3]} that the traces file does not hold")
    return [(x, by_name[x]) for x in names]


def truth_slices(traces, truth):
    """``[(instance, pages, true_bits, opt, n_phases)]`` for every instance
    that ``truth`` covers (:func:`truth_instances`), in its order:
    ``true_bits`` maps ``discard`` and ``phase`` to the instance's part of
    the file's concatenated bits (views, not copies). The one reader of a
    truth file's per-instance parts (the grid, learned and next-arrival
    runs). O(instances)."""
    covered = truth_instances(traces, truth)
    ends = np.cumsum([len(p) for _, p in covered], dtype=np.int64)
    out = []
    for i, (instance, pages) in enumerate(covered):
        lo, hi = int(ends[i]) - len(pages), int(ends[i])
        out.append((instance, pages, {kind: truth[kind][lo:hi] for kind in ("discard", "phase")},
                    int(truth["opt"][i]), int(truth["n_phases"][i])))
    return out


#: Columns of :func:`excluded_table`.
EXCLUDED_COLUMNS = ["trace_family", "k", "instances_kept", "instances_excluded", "excluded", "distinct_pages"]


def excluded_table(family_ks, truths):
    """Per (family, k): instances kept, instances excluded as trivial, and
    the excluded names with their numbers of distinct pages (``;``-joined).

    ``family_ks``: ``(family, k)`` pairs; ``truths``: the matching
    :func:`compute_truth` dicts (or loaded truth files)."""
    rows = []
    for (fam, k), truth in zip(family_ks, truths):
        names = [str(x) for x in truth.get("excluded", [])]
        distinct = [str(int(x)) for x in truth.get("excluded_distinct", [])]
        rows.append((str(fam), int(k), len(truth["opt"]), len(names), ";".join(names), ";".join(distinct)))
    return pd.DataFrame(rows, columns=EXCLUDED_COLUMNS)


def write_excluded_table(family_ks, truth_paths, path):
    """:func:`excluded_table` of the truth files ``truth_paths``, written as
    CSV atomically; returns the table."""
    family_ks = [tuple(fk) for fk in family_ks]
    if len(family_ks) != len(truth_paths):
        raise ValueError(f"{len(family_ks)} (family, k) pairs but {len(truth_paths)} truth files")
    table = excluded_table(family_ks, [load_npz(p) for p in truth_paths])
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, lineterminator="\n")
    return table


class TruthView:
    """The part of an instance a truth file holds: pages, N, k and the true
    bits by kind (what the error-model bit sources read)."""

    def __init__(self, pages, n_pages, k, true_bits):
        self.pages, self.n_pages, self.k, self._bits = pages, n_pages, k, true_bits

    @property
    def n(self):
        return int(self.pages.shape[0])

    def bits(self, kind):
        return self._bits[kind]


def run_grid(family, traces, truth, k, algorithms, error_model, rate, replicates,
             master_seed, settings=RunSettings(), progress=None):
    """Rows of contract §6 for one job.

    ``error_model``/``rate``: the error model and rate of predicted bits, or
    ``"none"``/``None`` for the prediction-free baseline (then only algorithms
    without predictions may be given). ``replicates``: replicate seeds.
    ``settings``: the :class:`~succinct_paging.settings.RunSettings` of every run.
    ``progress``: optional callable receiving one line per instance.
    Only the instances that ``truth`` covers are run (:func:`truth_instances`;
    trivial ones may have been excluded by :func:`compute_truth`).
    An algorithm whose registry ``min_k`` exceeds the cache size gets no
    row. A deterministic algorithm without predictions runs once per
    instance; its row is repeated for every replicate.
    Returns a DataFrame with :data:`COLUMNS`, in a deterministic order.
    """
    from succinct_paging.algorithms import parse_algorithm
    from succinct_paging.bitsources import draw
    from succinct_paging.validate import as_cache_size

    parsed = [parse_algorithm(a) for a in algorithms]
    covered = truth_slices(traces, truth)
    rows = []
    for i, (instance, pages, true_bits, opt, n_phases) in enumerate(covered):
        n = len(pages)
        n_pages = int(pages.max()) + 1 if n else 0
        view = TruthView(pages, n_pages, k, true_bits)
        same_every_replicate = {}  # a deterministic algorithm without predictions runs once per instance
        zeros = np.zeros(n, dtype=np.uint8)  # the bits of an algorithm without predictions
        runnable = [alg for alg in parsed  # not a demand-paging algorithm below its registry min_k: no row
                    if as_cache_size(k, n_pages) >= max(e.min_k for e in alg.entries)]
        for rep in replicates:
            predicted = {}
            if error_model != "none":
                bit_seed = derive_seed(master_seed, "bits", family, instance, k, rep)
                predicted = draw(error_model, view, bit_seed, {"rate": rate}, ("discard", "phase"))
            for alg in runnable:
                bits, eta0, eta1 = predicted.get(alg.prediction, (zeros, None, None))
                seed = derive_seed(master_seed, "alg", family, instance, k, rep, alg.id)
                row = run_row(family, instance, pages, n_pages, k, alg, bits, eta0, eta1, error_model, rate, rep,
                              opt, n_phases, seed, settings, faults=same_every_replicate.get(alg.id))
                if not alg.randomized and alg.prediction == "none":
                    same_every_replicate[alg.id] = row[COLUMNS.index("faults")]
                rows.append(row)
        if progress:
            progress(f"{family} k={k} {error_model} rate={rate}: instance {i + 1}/{len(covered)} ({instance}) done")
    return to_frame(rows)


def run_row(family, instance, pages, n_pages, k, alg, bits, eta0, eta1, error_model, rate, rep, opt, n_phases,
            seed, settings, faults=None, predictions=None, records=None):
    """Run one parsed algorithm ``alg`` on ``pages`` (dense ids in
    ``[0, n_pages)``) with ``bits`` at cache size ``k`` (capped at
    ``n_pages``) and return its contract §6 row: the one row builder of
    :func:`run_grid`, the k-sweep and the learned runs. ``eta0``/``eta1``:
    the bits' wrong keep/discard counts (None without bits); ``seed``: the
    run's own seed; ``settings``: the run's
    :class:`~succinct_paging.settings.RunSettings` (the bound column uses its
    budget at ``k``, capped at n); ``faults``: the run's fault count when
    already known (the caller's cache of a deterministic prediction-free
    algorithm's result: the kernel is then not run); ``predictions``:
    next-arrival predictions for ``arrivals`` algorithms; ``records``: the
    caller's per-trace store of combine's prediction-free parts
    (:func:`succinct_paging.simulation.run_combine`). O(n) plus the
    kernel."""
    from succinct_paging.algorithms import upper_bound
    from succinct_paging.simulation import run_parsed
    from succinct_paging.validate import as_budget, as_cache_size

    n = len(pages)
    run_k, run_budget = as_cache_size(k, n_pages), as_budget(settings.budget(k), n)
    if faults is None:
        faults = run_parsed(alg, pages, bits, run_k, n_pages, seed, settings, predictions=predictions,
                            records=records)
    # the bound at the k and budget the run used (capped: contract Appendix A)
    bound = upper_bound(alg.id, run_k, opt, eta0 or 0, eta1 or 0, n_phases, run_budget)
    return (family, instance, n, n_pages, k, alg.id, alg.prediction, error_model, rate, rep, faults, opt, eta0, eta1,
            faults / opt if opt else np.nan, bound)


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
    from succinct_paging import traces as traces_mod

    gen = spec["generator"]
    if gen == "cache":
        return traces_mod.load_cache_trace(mirror, spec["params"]["trace"], verify=verify)
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


def concat_tables(paths, sort_keys=None):
    """Concatenate per-job Parquet tables (any columns, all alike) in the
    order of ``paths``, or stably sorted by ``sort_keys`` (NaN first): the
    merge step of jobs whose rows do not depend on which job made them.
    Raises ValueError without paths (the columns would be unknown)."""

    if not paths:
        raise ValueError("no tables to concatenate")
    df = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    if sort_keys:
        df = df.sort_values(list(sort_keys), na_position="first", kind="mergesort").reset_index(drop=True)
    return df


def concat_runs(paths):
    """Concatenate per-job run tables in canonical order."""
    frames = [pd.read_parquet(p) for p in paths]
    return sort_runs(pd.concat(frames, ignore_index=True)) if frames else to_frame([])
