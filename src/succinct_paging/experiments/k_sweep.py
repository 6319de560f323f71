"""The k-sweep (contract §9): the families that are adversarial for every
cache size k, at many k, as plain functions.

Families (the number of pages N is derived from k):

``loop``
    The cycle 0, 1, …, k (N = k + 1): LRU's and FIFO's worst case, every
    request faults for them; OPT = k + ⌈(n − k)/k⌉. Deterministic: one
    instance.
``uniform``
    Independent uniform requests over k + 1 pages (Yao's family): every
    online algorithm pays about H_k·OPT. ``instances`` instances, each with
    its own seed.
``loop_2k``
    The cycle over 2k pages (N = 2k): every phase is new, so a marking
    algorithm with perfect phase bits (``mark_predict``) faults on every
    request while OPT faults about once per two requests: its ratio with
    perfect bits tends to 2 − 1/k → 2, its proven α (LFD on a cycle of N
    pages faults on a fraction (N − k)/(N − 1) of the requests). Deterministic: one
    instance.
``hot_set``
    Robustness under stress (issue 20): rounds of a hot set of k − 1 pages
    requested :data:`HOT_REPEAT` times in cyclic order, then one page of a
    cold pool of k + 1 pages (taken cyclically; N = 2k). LRU and marking
    keep the hot set and fault once per round, as OPT does (each round is
    one k-phase). With every bit flipped (``flip`` at rate 1: hot pages say
    "evict me", cold pages "keep me") ``followbits`` and ``mark0`` evict hot
    pages and fault on nearly every request from k = 3 on (≥ 3× LRU; at
    k = 2 the hot set is one page and they pay 2× LRU), so
    ``followbits_robust``'s phase budget and the combiners must act.
    Deterministic: one instance.

Length: an instance has P = max(``phases``, ``phases_per_k`` × k) k-phases
(in expectation on ``uniform``): P·k requests on ``loop`` and ``loop_2k``,
⌈P·(k+1)·H_k⌉ on ``uniform``; ``hot_set`` has ``phases`` rounds of
HOT_REPEAT·(k − 1) + 1 requests (one k-phase each; its claims are ratios
of several × LRU, which the k cold faults do not blur) (a k-phase of uniform requests over k + 1
pages lasts (k+1)·H_k requests in expectation: coupon collecting). P must
grow with k because the k cold faults count (contract §1): on ``loop`` with
all bits 0, cost/OPT = n/(k + ⌈(n−k)/k⌉) ≈ k·P/(k + P), which is within 3 %
of k only when P ≥ 32k.

A job is one family at one k and one chunk of replicate seeds
(:func:`run_job`). It computes each instance's truth
(:func:`succinct_paging.truth.setup_instance`), or, when the family and k
are cut into several chunks (:func:`shard_seeds`), reads it from the truth
file one job wrote for all of them (:func:`write_truth`, :func:`read_truth`;
issue 19: uniform at k = 1024 spends about 6 s of a 35 s job making its
instance and its truth); per replicate seed
and error setting ``(model, rate)`` it draws predicted bits (seeds
``derive_seed(master_seed, "k_sweep", "bits", family, instance, k, seed)``
and then the kind of bits: the same draws for every setting, so errors are
nested across rates) and runs every algorithm that reads bits; algorithms
that read none run once per seed with error model ``none``. Besides the
models of contract §2 the sweep knows the deterministic adversarial model
``soon`` (:func:`succinct_paging.bitsources.soon_bits`). An algorithm whose result cannot depend on the
seed (deterministic, with bits that are certain: rate 0 or 1, ``soon``, or
no bits) runs on the first seed only. Rows are those
of the runs table (:data:`succinct_paging.experiments.grid.COLUMNS`) with the
contract §3 bound in ``bound``. O(runs × n) per job.
"""

import math

import numpy as np

from succinct_paging.bitsources import draw
from succinct_paging.bounds import harmonic
from succinct_paging.settings import RunSettings
from succinct_paging.sizing import HOT_REPEAT, K_SWEEP_DETERMINISTIC, k_sweep_length

# Kernels, pandas and the trace generators are imported by the functions that
# use them: the workflow plans shards (:func:`shard_seeds`) and the table and
# figure jobs read results without importing numba (issue 19).

#: Families of the sweep and the number of pages N of each at cache size k.
FAMILIES = {"loop": lambda k: k + 1, "uniform": lambda k: k + 1, "loop_2k": lambda k: 2 * k,
            "hot_set": lambda k: 2 * k}

#: Families whose trace does not depend on a seed (one instance).
DETERMINISTIC = K_SWEEP_DETERMINISTIC


def hot_set(rounds, k):
    """The ``hot_set`` trace (module docstring): ``rounds`` rounds of the
    hot pages 0 … k−2 requested HOT_REPEAT times in order, then cold page
    k − 1 + (round mod (k + 1)). O(rounds·k)."""
    k = int(k)
    hot = np.tile(np.arange(k - 1, dtype=np.int64), HOT_REPEAT)
    rounds = int(rounds)
    out = np.empty(rounds * (hot.shape[0] + 1), dtype=np.int64)
    step = hot.shape[0] + 1
    for r in range(rounds):
        out[r * step:r * step + hot.shape[0]] = hot
        out[r * step + hot.shape[0]] = k - 1 + r % (k + 1)
    return out


def n_pages(family, k):
    """N of ``family`` at cache size ``k`` (:data:`FAMILIES`)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown k-sweep family {family!r}; allowed: {', '.join(FAMILIES)}")
    return FAMILIES[family](int(k))


def length(family, k, phases, phases_per_k=0):
    """Requests per instance of ``family`` at cache size ``k`` (module
    docstring): P·k, or ⌈P·(k+1)·H_k⌉ on ``uniform``, with
    P = max(phases, phases_per_k·k); phases·(HOT_REPEAT·(k−1) + 1) on
    ``hot_set``."""
    n_pages(family, k)  # rejects an unknown family
    return k_sweep_length(family, k, phases, phases_per_k)


def instance_names(family, k, instances):
    """Names of the instances of ``family`` at ``k``: ``<family>-k<k>`` for
    the deterministic families, ``<family>-k<k>-<i>`` for i < ``instances``
    otherwise."""
    if family in DETERMINISTIC:
        return [f"{family}-k{k}"]
    return [f"{family}-k{k}-{i}" for i in range(int(instances))]


def make_instances(family, k, phases, instances, master_seed, phases_per_k=0):
    """The instances of ``family`` at cache size ``k``: a list of
    ``(name, pages)``, each of :func:`length` requests over
    ``n_pages(family, k)`` pages; one instance for the deterministic
    families, ``instances`` seeded ones for ``uniform``. O(length) each."""
    from succinct_paging.seeds import derive_seed
    from succinct_paging.traces.synthetic import loop, uniform

    n = length(family, k, phases, phases_per_k)
    N = n_pages(family, k)
    names = instance_names(family, k, instances)
    if family == "hot_set":
        return [(names[0], hot_set(n // (HOT_REPEAT * (int(k) - 1) + 1), k))]
    if family in DETERMINISTIC:
        return [(names[0], loop(n, N))]
    return [(name, uniform(n, N, derive_seed(master_seed, "k_sweep", "trace", family, k, i)))
            for i, name in enumerate(names)]


#: The adversarial error model of the sweep (not one of contract §2's).
SOON = "soon"


def _predicted(inst, model, rate, bit_seed):
    """``{kind: (bits, η0, η1)}`` of one error setting (from the bit-source
    registry: the error models and ``soon``)."""
    return draw(model, inst, bit_seed, {"rate": rate}, ("discard", "phase"))


def _seeds_for(parsed, model, rate, seeds):
    """Replicate seeds on which a run can differ (see module docstring)."""
    certain = model in ("none", SOON) or rate in (0.0, 1.0)
    return seeds if parsed.randomized or not certain else seeds[:1]


def n_instances(family, section):
    """Instances of ``family`` in a sweep ``section`` (one for the deterministic families)."""
    return 1 if family in DETERMINISTIC else int(section["instances"])


def shard_seeds(family, k, section):
    """The replicate seeds of each job of ``family`` at ``k``: contiguous,
    near-equal chunks of ``range(section["seeds"])``, as few as keep every
    job's estimated kernel steps (requests × instances × seeds × error
    settings × algorithms) within ``section["requests_per_job"]`` (default
    2·10^9, about 10–20 s of kernel time); at most one chunk per seed. A
    list of ``(first, last)`` seed pairs (inclusive). O(1) per chunk."""
    seeds = int(section["seeds"])
    per_seed = (length(family, k, section["phases"], section.get("phases_per_k", 0)) * n_instances(family, section)
                * len(section["errors"]) * len(section["algorithms"]))
    budget = int(section.get("requests_per_job", REQUESTS_PER_JOB))
    per_job = max(1, budget // max(per_seed, 1))  # seeds that fit the budget (at least one)
    jobs = min(seeds, math.ceil(seeds / per_job))
    bounds = [seeds * j // jobs for j in range(jobs + 1)]
    return [(bounds[j], bounds[j + 1] - 1) for j in range(jobs)]


#: Default of the config key ``k_sweep.requests_per_job`` (kernel steps per job).
REQUESTS_PER_JOB = 2_000_000_000


def sweep_instances(family, k, section, master_seed):
    """Yield ``(name, Instance)``: the instances of ``family`` at ``k``
    (:func:`make_instances`) with their truth
    (:func:`succinct_paging.truth.setup_instance`), one at a time.
    O(n log_64(n + N)) each."""
    from succinct_paging.truth import setup_instance

    made = make_instances(family, k, section["phases"], section["instances"], master_seed, section.get("phases_per_k", 0))
    for name, pages in made:
        yield name, setup_instance(pages, k)


#: The arrays of a :class:`succinct_paging.truth.Instance` a truth file holds per instance.
_INSTANCE_ARRAYS = ("pages", "discard", "phases", "phase", "next")


def write_truth(path, family, k, section, master_seed):
    """Write :func:`sweep_instances` to the folder ``path``
    (:func:`succinct_paging.store.save_npy_dir`, atomically): the names, N,
    k and OPT per instance and its arrays (``pages``, ``discard``,
    ``phases``, ``phase``, ``next``) as ``<array><i>``. Read back by
    :func:`read_truth`."""
    from succinct_paging.store import save_npy_dir

    made = list(sweep_instances(family, k, section, master_seed))
    arrays = {f"{field}{i}": getattr(inst, field) for i, (_, inst) in enumerate(made) for field in _INSTANCE_ARRAYS}
    save_npy_dir(path, names=np.array([name for name, _ in made], dtype=str),
                 scalars=np.array([(inst.n_pages, inst.k, inst.opt) for _, inst in made], dtype=np.int64).reshape(-1, 3),
                 **arrays)


def read_truth(path, family, k, section):
    """The ``[(name, Instance)]`` of a folder of :func:`write_truth`, its
    arrays mapped from the files (:func:`succinct_paging.store.load_npy_dir`).
    Raises ValueError if it does not hold the instances ``family``, ``k`` and
    ``section`` make (names and lengths: a stale folder)."""
    from succinct_paging.store import load_npy_dir
    from succinct_paging.truth import Instance

    data = load_npy_dir(path)
    names = [str(x) for x in data["names"]]
    want = length(family, k, section["phases"], section.get("phases_per_k", 0))
    if names != instance_names(family, k, section["instances"]) \
            or any(data[f"pages{i}"].shape[0] != want for i in range(len(names))):
        raise ValueError(f"{path} does not hold the {family} instances at k = {k} of this k_sweep section "
                         f"(names {names[:3]}); delete it to have it made again")
    return [(name, Instance(n_pages=int(n_pages), k=int(kk), opt=int(opt),
                            **{field: data[f"{field}{i}"] for field in _INSTANCE_ARRAYS}))
            for i, (name, (n_pages, kk, opt)) in enumerate(zip(names, data["scalars"]))]


def run_job(family, k, section, master_seed, settings=RunSettings(), progress=None, seeds=None, instances=None):
    """Runs-table rows of one family at one k (module docstring), for the
    replicate seeds ``seeds`` (default: all; a job of the workflow gets one
    chunk of :func:`shard_seeds`). The rows of the chunks of a partition of
    the seeds, concatenated and sorted (:func:`succinct_paging.experiments.grid.sort_runs`),
    are those of one job over all seeds: a run depends on its seed, never
    on the other seeds of its job.

    ``section``: the validated ``k_sweep`` config section (keys ``phases``,
    ``phases_per_k``, ``instances``, ``seeds`` (a count: seeds 0 … seeds−1), ``errors`` (list of
    ``{model, rate}``) and ``algorithms`` (canonical ids)). Returns a
    DataFrame with :data:`succinct_paging.experiments.grid.COLUMNS` in
    canonical order. ``settings``: the
    :class:`~succinct_paging.settings.RunSettings` of every run.
    ``instances``: the ``[(name, Instance)]`` of :func:`read_truth` (default:
    made here by :func:`sweep_instances`; the rows are the same).
    """
    from succinct_paging.algorithms import parse_algorithm
    from succinct_paging.experiments.grid import run_row, sort_runs, to_frame
    from succinct_paging.seeds import derive_seed

    k = int(k)
    all_seeds = list(range(int(section["seeds"])))
    chosen = all_seeds if seeds is None else [int(s) for s in seeds]
    if not set(chosen) <= set(all_seeds):
        raise ValueError(f"seeds {chosen} are not all in 0 … {len(all_seeds) - 1} (config key k_sweep.seeds)")
    parsed = [parse_algorithm(a) for a in section["algorithms"]]
    blind = [a for a in parsed if a.prediction == "none"]
    reading = [a for a in parsed if a.prediction != "none"]
    rows = []
    if instances is None:
        instances = sweep_instances(family, k, section, master_seed)
    for name, inst in instances:
        zeros = np.zeros(inst.n, dtype=np.uint8)

        def run(alg, bits, eta0, eta1, model, rate, seed, records=None):
            rows.append(run_row(family, name, inst.pages, inst.n_pages, k, alg, bits, eta0, eta1, model, rate, seed,
                                inst.opt, inst.n_phases,
                                derive_seed(master_seed, "k_sweep", "alg", family, name, k, seed, alg.id),
                                settings, records=records))

        for alg in blind:
            for seed in _seeds_for(alg, "none", None, all_seeds):
                if seed in chosen:
                    run(alg, zeros, None, None, "none", None, seed)
        for seed in chosen:
            bit_seed = derive_seed(master_seed, "k_sweep", "bits", family, name, k, seed)
            records = {}  # combine's prediction-free parts: run once per seed for every error setting
            for setting in section["errors"]:
                model, rate = setting["model"], float(setting["rate"])
                predicted = _predicted(inst, model, rate, bit_seed)
                for alg in reading:
                    if seed in _seeds_for(alg, model, rate, all_seeds):
                        run(alg, *predicted[alg.prediction], model, rate, seed, records)
        if progress:
            progress(f"k_sweep {family} k={k} seeds {chosen[0] if chosen else '-'}…{chosen[-1] if chosen else '-'}: "
                     f"{name} done ({inst.n} requests)")
    return sort_runs(to_frame(rows))


def read_sweep(path):
    """Read ``results/k_sweep.csv`` back with the runs table's types."""
    import pandas as pd

    from succinct_paging.experiments.grid import to_frame

    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    return to_frame(list(df.itertuples(index=False, name=None)))


def pooled(df):
    """Pooled numbers per (family, k, algorithm, error_model, rate), summed
    over instances and seeds: ``faults``, ``opt``, ``eta0`` sums, the ratio
    Σfaults/ΣOPT and the extra cost per wrong keep bit Σ(faults − OPT)/Ση0
    (NaN when Ση0 = 0). The prediction-free rows (model ``none``) have rate
    NaN."""
    keys = ["trace_family", "k", "algorithm", "error_model", "rate"]
    g = df.assign(eta0=df["eta0"].astype("float64")).groupby(keys, dropna=False, sort=True)
    out = g.agg(faults=("faults", "sum"), opt=("opt", "sum"), eta0=("eta0", "sum"), runs=("faults", "size"))
    out = out.reset_index()
    out["ratio"] = out["faults"] / out["opt"]
    out["extra_per_eta0"] = np.where(out["eta0"] > 0, (out["faults"] - out["opt"]) / out["eta0"].where(
        out["eta0"] > 0, 1.0), np.nan)
    return out


def harmonic_numbers(ks):
    """H_k for each k (contract §3 notation)."""
    return np.array([harmonic(int(k)) for k in ks])


def instance_intervals(df):
    """:func:`pooled` with ``ratio_low``, ``ratio_high``: a 95 % jackknife-t
    interval of Σfaults/ΣOPT over the instances of each (family, k,
    algorithm, error model, rate) (issue 20; NaN from one instance, as on
    the deterministic families). O(R log R)."""
    import pandas as pd

    from succinct_paging.experiments.intervals import jackknife_ratio_interval

    keys = ["trace_family", "k", "algorithm", "error_model", "rate"]
    out = pooled(df)
    rate = pd.to_numeric(df["rate"], errors="coerce").fillna(-1.0)  # NaN rates (no bits) as one key
    per = df.assign(rate=rate).groupby(keys + ["instance"], sort=True)[["faults", "opt"]].sum().reset_index()
    lows, highs = {}, {}
    for key, part in per.groupby(keys, sort=True):
        _, lows[key], highs[key] = jackknife_ratio_interval(part["faults"], part["opt"])
    idx = list(zip(*(out[c] for c in keys[:-1]), pd.to_numeric(out["rate"], errors="coerce").fillna(-1.0)))
    out["ratio_low"] = [lows.get(i, np.nan) for i in idx]
    out["ratio_high"] = [highs.get(i, np.nan) for i in idx]
    return out


def fit_log_affine(ks, ratios):
    """Least-squares ``(a, b, residuals)`` of ratio ≈ a + b·ln k; residuals
    are relative, (ratio − fit)/fit, in the order of the points. NaNs
    without two distinct k."""
    x = np.log(np.asarray(ks, dtype=float))
    y = np.asarray(ratios, dtype=float)
    ok = np.isfinite(y)
    if len(np.unique(x[ok])) < 2:
        return float("nan"), float("nan"), np.full(len(y), np.nan)
    b, a = np.polyfit(x[ok], y[ok], 1)
    fit = a + b * x
    return float(a), float(b), (y - fit) / fit


def mark_predict_sides(df):
    """MARK&PREDICT per k (issue 20 item 4), three frames:

    - ``worst``: its largest pooled ratio over the families and the rate-1
      settings, with the fit a + b·ln k (columns ``fit``, ``residual``);
    - ``soon``: its largest pooled ratio under the adversarial ``soon``
      bits, with ``two_h_k_minus`` = 2H_k − ratio;
    - ``alpha2``: per family, Σ(faults − 2·OPT)/Ση0 over its ``false_keep``
      rows (its α is 2), with a jackknife-t interval over instances.

    Returns ``(worst, soon, alpha2, (a, b))``."""
    import pandas as pd

    from succinct_paging.experiments.intervals import jackknife_ratio_interval

    pool = pooled(df)
    mp = pool[pool["algorithm"] == "mark_predict"]
    rate1 = mp[np.isclose(mp["rate"].astype(float), 1.0) & (mp["error_model"] != SOON)]
    worst = rate1.sort_values("ratio").groupby("k").tail(1).sort_values("k").reset_index(drop=True)
    a, b, res = fit_log_affine(worst["k"], worst["ratio"])
    worst = worst.assign(fit=a + b * np.log(worst["k"].astype(float)), residual=res)
    soon = mp[mp["error_model"] == SOON].sort_values("ratio").groupby("k").tail(1).sort_values("k")
    soon = soon.assign(two_h_k_minus=2 * harmonic_numbers(soon["k"]) - soon["ratio"]).reset_index(drop=True)
    keep = df[(df["algorithm"] == "mark_predict") & (df["error_model"] == "false_keep")]
    rows = []
    for (fam, k), part in keep.groupby(["trace_family", "k"], sort=True):
        per = part.groupby("instance")[["faults", "opt", "eta0"]].sum()
        per = per.assign(extra=per["faults"] - 2 * per["opt"])
        if per["eta0"].sum() <= 0:
            continue
        est, lo, hi = jackknife_ratio_interval(per["extra"].astype(float), per["eta0"].astype(float))
        rows.append((fam, int(k), est, lo, hi, len(per)))
    alpha2 = pd.DataFrame(rows, columns=["trace_family", "k", "slope", "slope_low", "slope_high", "instances"])
    return worst, soon, alpha2, (a, b)
