# Config validation, wildcard constraints and the helpers that turn the config
# into file lists. Rules live in the other .smk files.
import json
import os
import sys
from pathlib import Path

# The library in src/ is importable by this process and by every job's script
# (jobs inherit the environment), also from a clone that was not pip-installed
# and inside the rules' conda environments.
_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, _SRC)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (_SRC, os.environ.get("PYTHONPATH")) if p))

from succinct_paging.algorithms import parse_algorithm
from succinct_paging.config import (
    CACHE_GENERATOR,
    FILES_FORMAT_KEYS,
    REAL_FAMILIES,
    TRIVIAL_EXCLUDABLE,
    ConfigError,
    check_config,
    check_config_file,
    real_family_root,
)
import warnings
from snakemake.logging import logger

try:
    for _path in workflow.configfiles:  # what YAML changed silently: a repeated key, 010 read as 8
        check_config_file(_path)
    # real families without a mirror are left out with one warning (traces.require_mirror)
    with warnings.catch_warnings(record=True) as _config_warnings:
        warnings.simplefilter("always")
        check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml", workflow.basedir)
except ConfigError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None
for _w in _config_warnings:
    logger.warning(f"Configuration: {_w.message}")


wildcard_constraints:
    family="[A-Za-z][A-Za-z0-9_]*",
    k="[0-9]+",
    rate="[0-9]+(\.[0-9]+)?(e-[0-9]+)?",


FIGURES = ("ratio_vs_rate", "consistency", "robustness")

#: Canonical row order of runs tables (experiments.grid.sort_runs), for the merge step.
RUNS_SORT_KEYS = ["trace_family", "k", "error_model", "rate", "instance", "seed", "algorithm"]


def key_sorted(section):
    """A config section with its mapping keys sorted at every depth: a job's
    params must not depend on the order of keys in the YAML file (a reordered
    or re-dumped config reruns nothing)."""
    return json.loads(json.dumps(section, sort_keys=True))


def run_settings():
    """The run settings of every job that runs algorithms (budget and switch
    factors; succinct_paging.settings.RunSettings) as one params entry."""
    from succinct_paging.settings import RunSettings
    return RunSettings.from_config(config).to_params()


def rate_label(rate):
    """The one spelling of a rate in file names: Python's repr of the float."""
    return repr(float(rate))


def algorithms_with(predictions):
    """Configured algorithm ids whose prediction kind is (not) 'none'."""
    ids = [parse_algorithm(a) for a in config["algorithms"]]
    if predictions:
        return [a.id for a in ids if a.prediction != "none"]
    return [a.id for a in ids if a.prediction == "none"]


def family_ks():
    """(family, k) pairs of the config, in config order."""
    return [(fam, k) for fam, spec in config["families"].items() for k in spec["k"]]


def baseline_only(family):
    """Whether ``family`` runs only the prediction-free baseline job (config
    key families.<name>.baseline_only): no error-rate grid, no per-rate figures."""
    return bool(config["families"][family].get("baseline_only", False))


def grid_family_ks():
    """(family, k) pairs that run the error-rate grid (not baseline_only)."""
    return [(fam, k) for fam, k in family_ks() if not baseline_only(fam)]


def run_tables():
    """Per-job run tables that the aggregate rule concatenates."""
    out = []
    for fam, k in family_ks():
        if algorithms_with(predictions=False):
            out.append(f"results/runs/{fam}/k{k}/baseline.parquet")
        if algorithms_with(predictions=True) and not baseline_only(fam):
            out += [f"results/runs/{fam}/k{k}/rate{rate_label(r)}.parquet" for r in config["rates"]]
        if fam in config["learned"]["families"]:
            out += [f"results/runs/{fam}/k{k}/learned_{'+'.join(group)}.parquet" for group in learned_groups()]
    return out


def learned_groups():
    """The learned predictors cut into the groups of one job each: runs of
    ``learned.predictors_per_job`` (default: all) in the config's order."""
    predictors = config["learned"]["predictors"]
    size = config["learned"].get("predictors_per_job") or len(predictors)
    return [predictors[i:i + size] for i in range(0, len(predictors), size)]


def learned_params(predictors):
    """Per predictor of ``predictors`` ("+"-joined ids), the parameters of it
    (bit-source registry) that the learned section sets (the others keep
    their defaults)."""
    from succinct_paging.bitsources import get
    section = config["learned"]
    return {p: {key: section[key] for key in get(p).params if key in section} for p in predictors.split("+")}


def figure_files():
    return [
        f"results/figures/{name}_{fam}_k{k}.{ext}"
        for fam, k in grid_family_ks()
        for name in FIGURES
        for ext in ("pdf", "png")
    ]


def latex_tables():
    return [f"results/tables/summary_{fam}_k{k}.tex" for fam, k in grid_family_ks()]


def get_final_output():
    return ["results/runs.parquet", "results/runs.csv", "results/summary.csv"] + figure_files() + latex_tables() + proof_outputs() + arrival_outputs() + smoothness_outputs() + k_sweep_outputs() + cache_outputs()


def excludes_trivial(family):
    """Whether the truth job of ``family`` drops instances with at most k
    distinct pages (config key exclude_trivial; real and files families only)."""
    return bool(config["exclude_trivial"]) and config["families"][family]["generator"] in TRIVIAL_EXCLUDABLE


def smoothness_outputs():
    """Empirical constants (contract §9), paired differences, excluded trivial
    instances, the effective config, and per family and k the smoothness
    figure and the ratio against wrong bits per OPT."""
    tables = ["empirical_constants.csv", "paired_differences.csv", "excluded_instances.csv", "config.used.yaml"]
    figures = [f"figures/{name}_{fam}_k{k}.{ext}" for fam, k in grid_family_ks()
               for name in ("smoothness", "ratio_vs_eta") for ext in ("pdf", "png")]
    return [f"results/{f}" for f in tables + figures]


def k_sweep_outputs():
    """Outputs of workflow/rules/k_sweep.smk: the table and the figure (none when no family is listed)."""
    if not config["k_sweep"]["families"]:
        return []
    return (["results/k_sweep.csv", "results/robustness_k.csv"]
            + [f"results/figures/{name}.{ext}" for name in ("k_dependence", "robustness_k") for ext in ("pdf", "png")])


def benchmark_patterns():
    """``{rule: benchmark pattern}`` of every rule that has one (constraints
    included), for rule benchmarks_table (workflow/rules/accounting.smk)."""
    return {r.name: str(r.benchmark) for r in workflow.rules if r.benchmark is not None}


def accounting_statement():
    """Log the totals of results/benchmarks.csv (as last gathered), at the end of a run."""
    from succinct_paging.accounting import read_table, statement

    if Path("results/benchmarks.csv").exists():
        logger.info(statement(read_table("results/benchmarks.csv")) + " (results/benchmarks.csv)")


def k_sweep_shards():
    """The k-sweep job outputs: per family of k_sweep.families (data-driven:
    a family added there needs no edit here), k and chunk of seeds of
    :func:`succinct_paging.experiments.k_sweep.shard_seeds`."""
    from succinct_paging.experiments.k_sweep import shard_seeds

    section = config["k_sweep"]
    return [f"results/k_sweep/{fam}/k{k}/seeds{first}-{last}.parquet"
            for fam in section["families"] for k in section["ks"] for first, last in shard_seeds(fam, k, section)]


def k_sweep_truth_input(wildcards):
    """The truth file a k-sweep job reads: ``{"truth": path}`` when its
    family and k are cut into several seed chunks, else nothing (the one job
    makes its instances itself: a job of its own would only add a start-up)."""
    from succinct_paging.experiments.k_sweep import shard_seeds

    fam, k = wildcards.sweep_family, int(wildcards.k)
    if len(shard_seeds(fam, k, config["k_sweep"])) < 2:
        return {}
    return {"truth": f"results/k_sweep/{fam}/k{k}/truth"}


def arrival_family_ks():
    """(family, k) pairs of the arrivals section (contract §7), sorted (they are
    params of one job: the order must not depend on the config's key order)."""
    chosen = set(config["arrivals"]["families"])
    return sorted((fam, k) for fam, k in family_ks() if fam in chosen)


def arrival_run_tables():
    return [f"results/arrivals/runs/{fam}/k{k}.parquet" for fam, k in arrival_family_ks()]


def arrival_figure_keys():
    """``<family>_k<k>`` of every ratio-vs-σ figure."""
    return [f"{fam}_k{k}" for fam, k in arrival_family_ks()]


def arrival_outputs():
    """Outputs of workflow/rules/arrivals.smk: the next-arrival runs table and
    one ratio-vs-σ figure per family and k; the learned predictors' answer table and figure."""
    out = []
    if arrival_family_ks():
        out += ["results/arrivals/runs.parquet", "results/arrivals/runs.csv"]
        out += [f"results/figures/arrivals_vs_sigma_{fk}.{ext}" for fk in arrival_figure_keys() for ext in ("pdf", "png")]
    if config["learned"]["families"]:
        out += ["results/learned/answer.csv"] + [f"results/figures/learned_answer.{ext}" for ext in ("pdf", "png")]
    if adversarial_family_ks():
        out.append("results/adversarial/runs.csv")
        out += [f"results/figures/adversarial_{fam}_k{k}.{ext}" for fam, k in adversarial_family_ks() for ext in ("pdf", "png")]
    return out


def adversarial_family_ks():
    """(family, k) pairs of the adversarial section, sorted."""
    chosen = set(config["adversarial"]["families"])
    return sorted((fam, k) for fam, k in family_ks() if fam in chosen)


def proof_outputs():
    """Lower-bound families and the followbits_robust search."""
    tables = ["lower_bounds.csv", "robust_search.csv", "robust_search.md", "lower_bounds_randomized.csv",
              "lower_bounds_search.csv", "tightness.csv"]
    figures = [f"figures/{name}.{ext}" for name in ("lower_bounds", "lower_bounds_randomized", "tightness")
               for ext in ("pdf", "png")]
    return [f"results/{f}" for f in tables + figures]


#: Figures a newcomer should see first (rule gallery copies them to docs/figures/
#: for the README), as (figure, family, k) of the default config.
GALLERY = (
    ("ratio_vs_rate", "brightkite", 10),
    ("ratio_vs_rate", "zipf", 100),
    ("consistency", "citibike", 100),
    ("robustness", "loop", 10),
)


def gallery_figures():
    """Names (no extension) of the gallery figures this config produces: those
    of :data:`GALLERY` it has, else the first family's ratio vs rate figure."""
    have = set(family_ks())
    names = [f"{fig}_{fam}_k{k}" for fig, fam, k in GALLERY if (fam, k) in have]
    if not names:
        fam, k = family_ks()[0]
        names = [f"ratio_vs_rate_{fam}_k{k}"]
    return names


def trace_spec(family):
    """The keys of a family that its traces depend on, as canonical JSON (so
    that adding a k or reordering keys does not rerun the trace job)."""
    spec = config["families"][family]
    keys = ("generator", "instances", "length", "params", "path", "glob") + FILES_FORMAT_KEYS
    return json.dumps({key: spec[key] for key in keys if key in spec}, sort_keys=True)


def arc_family_ks():
    """(family, k) pairs of cache families on an ARC-paper trace at the
    paper's cache size (1,000 pages for OLTP, 32,768 for P1-P14), sorted."""
    from succinct_paging.cache_traces import CACHE_TRACES

    out = []
    for fam, k in family_ks():
        spec = config["families"][fam]
        if spec["generator"] == CACHE_GENERATOR:
            trace = spec["params"]["trace"]
            if trace.startswith("arc_") and k in CACHE_TRACES[trace].ks:
                out.append((fam, k))
    return sorted(out)


def cache_outputs():
    """The ARC-paper reproduction table (workflow/rules/cache.smk) when the
    config runs an ARC trace at the paper's cache size with lru and arc."""
    if not arc_family_ks() or not {"lru", "arc"} <= set(config["algorithms"]):
        return []
    return ["results/tables/arc_reproduction.csv", "results/tables/arc_reproduction.md"]


def mirror_dir(family):
    """The folder holding the real family's subfolder (brightkite/, citibike/):
    the mirror when it has it, else the fetch rule's results/mirror. Other
    families get the mirror setting (unused, but a stable param)."""
    gen = config["families"][family]["generator"]
    return real_family_root(config, gen) if gen in REAL_FAMILIES else config["traces"]["mirror"]


def _trace_files(family):
    """The files a family's trace job reads (the user's own files or the
    mirror's), or None when it reads the fetch rule's output folder."""
    spec = config["families"][family]
    gen = spec["generator"]
    if gen == "files":
        return sorted(str(p) for p in Path(spec["path"]).glob(spec["glob"]) if p.is_file())
    if gen == CACHE_GENERATOR:
        from succinct_paging.cache_traces import CACHE_FOLDER, CACHE_TRACES

        folder = Path(config["traces"]["mirror"]) / CACHE_FOLDER
        return [str(folder / CACHE_TRACES[spec["params"]["trace"]].file), str(folder / "SHA256SUMS")]
    if gen in REAL_FAMILIES:
        root = mirror_dir(family)
        if root == "results/mirror":
            return None
        return sorted(str(p) for p in (Path(root) / gen).iterdir() if p.is_file())
    return []


def trace_inputs(wildcards):
    """Files a family's trace job reads: the user's own files, the mirror's
    files (as ancient(): their content, the param ``content`` of
    :func:`trace_content`, decides a rerun, not their mtime), or the fetch
    rule's output."""
    files = _trace_files(wildcards.family)
    if files is None:
        return [f"results/mirror/{config['families'][wildcards.family]['generator']}"]
    return [ancient(f) for f in files]


#: Per-file digests cached by (size, mtime, ctime, inode) across runs.
TRACE_DIGEST_CACHE = ".snakemake/succinct-paging/trace-digests.json"


def trace_content(family):
    """SHA-256 of the names and contents of the files a family's trace job
    reads (succinct_paging.traces.checksums.content_digest; each file hashed
    once, then cached): a job param, so a trace replaced by a different one
    reruns its jobs whatever its mtime, and an unchanged one does not."""
    from succinct_paging.traces.checksums import content_digest

    files = _trace_files(family)
    return content_digest(files, TRACE_DIGEST_CACHE) if files else ""
