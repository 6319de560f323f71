# Config validation, wildcard constraints and the helpers that turn the config
# into file lists. Rules live in the other .smk files.
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
from succinct_paging.config import ConfigError, check_config

try:
    check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml", workflow.basedir)
except ConfigError as exc:
    raise WorkflowError(f"Invalid configuration: {exc}") from None


wildcard_constraints:
    family="[A-Za-z][A-Za-z0-9_]*",
    k="[0-9]+",
    model="flip|false_keep|false_discard",
    rate="[0-9]+\.[0-9]+(e-[0-9]+)?",


FIGURES = ("ratio_vs_rate", "consistency", "robustness")


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


def run_tables():
    """Per-job run tables that the aggregate rule concatenates."""
    out = []
    for fam, k in family_ks():
        if algorithms_with(predictions=False):
            out.append(f"results/runs/{fam}/k{k}/baseline.parquet")
        if algorithms_with(predictions=True):
            out += [
                f"results/runs/{fam}/k{k}/{model}/rate{rate_label(r)}.parquet"
                for model in config["error_models"]
                for r in config["rates"]
            ]
    return out


def figure_files():
    return [
        f"results/figures/{name}_{fam}_k{k}.{ext}"
        for fam, k in family_ks()
        for name in FIGURES
        for ext in ("pdf", "png")
    ]


def get_final_output():
    return ["results/runs.parquet", "results/runs.csv", "results/summary.csv"] + figure_files()


def mirror_dir():
    """The folder holding one subfolder per real family (brightkite/, citibike/)."""
    return "results/mirror" if config["traces"]["fetch"] else config["traces"]["mirror"]


def trace_inputs(wildcards):
    """Files a family's trace job reads, so that Snakemake reruns it when they
    change: the user's own files, or the fetch rule's output."""
    spec = config["families"][wildcards.family]
    if spec["generator"] == "files":
        return sorted(str(p) for p in Path(spec["path"]).glob(spec["glob"]) if p.is_file())
    if config["traces"]["fetch"] and spec["generator"] in ("brightkite", "citibike"):
        return [f"results/mirror/{spec['generator']}"]
    return []
