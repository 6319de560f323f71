"""The ``succinct-paging`` command line.

``succinct-paging simulate TRACE --k K`` reads one trace file (any format of
:mod:`succinct_paging.traces.formats`), computes OPT and the true bits
(:func:`succinct_paging.truth.setup_instance`, contract §1), injects errors
into them as the workflow does (contract §2), runs the algorithms and prints
one row per algorithm: ``algorithm, faults, opt, eta0, eta1, ratio``
(``ratio`` = faults / OPT; ``eta0``/``eta1`` empty for an algorithm that
reads no bits; ``--csv`` prints exactly these columns as CSV with a header).

Seeds are derived exactly as in the workflow (:mod:`succinct_paging.experiments.grid`):
a row equals the workflow's row of a ``files`` family whose name is the
file's stem (``trace.csv.gz`` -> ``trace``), holding this file, at
``master_seed = --master-seed`` and replicate seed ``--seed``.

Bad arguments and unreadable traces exit with status 2 and one line
``succinct-paging: error: …`` naming the argument or file (no traceback);
every option is checked as its config key (range, finite, the library's
limits); an output that cannot be written (closed standard output, full
disk) exits with status 1 and one line;
doubtful traces print ``succinct-paging: warning: …`` lines. numba, pandas
and the kernels are imported only when a command runs, so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import sys

PROG = "succinct-paging"
COLUMNS = ("algorithm", "faults", "opt", "eta0", "eta1", "ratio")
#: The default robust pairs (contract §3.7), run after every registered
#: algorithm that reads no next-arrival predictions.
DEFAULT_COMBINATIONS = ("combine(followbits,lru)", "combine(mark0,marker)")
DEFAULT_MASTER_SEED = 20230701  # the workflow's default master_seed


class UsageError(Exception):
    """A bad argument or input; the message is printed as one line."""


class OutputError(Exception):
    """The table could not be written (closed or full standard output);
    exit status 1 with one line."""


def _split_algorithms(text: str) -> list[str]:
    """Split ``a,b,combine(c,d)`` at the commas outside parentheses."""
    out, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += (ch == "(") - (ch == ")")
        current += ch
    out.append(current)
    return [a.strip() for a in out]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Paging with one-bit predictions "
                                     "(Antoniadis et al., ICML 2023): simulate the algorithms on a trace.")
    import succinct_paging

    parser.add_argument("--version", action="version", version=f"%(prog)s {succinct_paging.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sim = commands.add_parser(
        "simulate", help="run the algorithms on one trace file",
        description="Run the algorithms on one trace with predicted bits (the true bits with errors "
                    "injected) and print faults, OPT, the realised errors eta0, eta1 and faults/OPT.")
    sim.add_argument("trace", metavar="TRACE", help="trace file (.gz and .zst are decompressed)")
    sim.add_argument("--k", type=int, required=True, help="cache size (>= 1; capped at the number of pages)")
    sim.add_argument("--format", default="txt", help="txt (one id per line; default), csv or oracleGeneral")
    sim.add_argument("--column", help="csv: the page id's column, a header name or a 1-based field number")
    sim.add_argument("--delimiter", help="csv: field delimiter, one character ('\\t' for a tab; default "
                                         "a tab for *.tsv, else ',')")
    sim.add_argument("--header", action="store_true", default=None,
                     help="txt/csv: the first line is a header (implied by a column name)")
    sim.add_argument("--limit", type=int, help="read only the first N requests")
    from succinct_paging.algorithms import base_ids

    sim.add_argument("--algorithms", default=",".join(base_ids("bits") + DEFAULT_COMBINATIONS),
                     help="comma-separated ids, combine(A,B) allowed (default: %(default)s)")
    sim.add_argument("--error-model", default="flip", help="flip (default), false_keep or false_discard")
    sim.add_argument("--rate", type=float, default=0.0, help="error rate in [0, 1] (default 0: perfect bits)")
    sim.add_argument("--seed", type=int, default=0, help="replicate seed (>= 0; default 0)")
    sim.add_argument("--master-seed", type=int, default=DEFAULT_MASTER_SEED,
                     help="master seed, as the config's master_seed (default %(default)s)")
    sim.add_argument("--budget-factor", type=float, default=2.0,
                     help="followbits_robust: fault budget per k-phase in units of k (default 2)")
    sim.add_argument("--switch-factor", type=float, default=2.0, help="combine: switch factor (default 2)")
    sim.add_argument("--csv", action="store_true", help="print the table as CSV with a header")
    return parser


def _check(args) -> list[str]:
    """Validate the simulate arguments; returns the canonical algorithm ids."""
    from succinct_paging.algorithms import parse_algorithm
    from succinct_paging.errors import ERROR_MODELS
    from succinct_paging.traces import FORMATS
    from succinct_paging.validate import MAX_K, MAX_LIMIT, MAX_SEED

    def integer(option, value, low, high, why=""):
        if not low <= value <= high:
            top = "2**63 - 1" if high == MAX_SEED else high
            raise UsageError(f"--{option} {value} is out of range; allowed: an integer in [{low}, {top}]{why}")

    # each option as its config key (workflow/schemas/config.schema.yaml) and the library's limits
    integer("k", args.k, 1, MAX_K)
    integer("seed", args.seed, 0, MAX_SEED)
    integer("master-seed", args.master_seed, 0, MAX_SEED)
    if args.limit is not None:
        integer("limit", args.limit, 1, MAX_LIMIT, " (the kernels' int32 state)")
    if args.format not in FORMATS:
        raise UsageError(f"--format {args.format!r} is not allowed; allowed: {', '.join(FORMATS)}")
    if args.error_model not in ERROR_MODELS:
        raise UsageError(f"--error-model {args.error_model!r} is not allowed; allowed: {', '.join(ERROR_MODELS)}")
    if not 0.0 <= args.rate <= 1.0:  # also rejects nan
        raise UsageError(f"--rate {args.rate!r} is out of range; allowed: a number in [0, 1]")
    from succinct_paging.settings import CONFIG_KEYS, RunSettings, factor_problem

    for field in CONFIG_KEYS:  # each option is the field's name: --budget-factor, --switch-factor
        allowed = factor_problem(field, getattr(args, field))
        if allowed:
            raise UsageError(f"--{field.replace('_', '-')} {getattr(args, field)!r} is out of range; allowed: {allowed}")
    args.settings = RunSettings(budget_factor=args.budget_factor, switch_factor=args.switch_factor)
    ids = []
    for name in _split_algorithms(args.algorithms):
        try:
            parsed = parse_algorithm(name)
        except ValueError as exc:
            raise UsageError(f"--algorithms: {exc}") from None
        if parsed.prediction == "arrivals":
            raise UsageError(f"--algorithms: {name!r} reads next-arrival predictions, which this command "
                             "does not make; allowed: algorithms without predictions or with one bit per request")
        least = max(e.min_k for e in parsed.entries)
        if args.k < least:
            raise UsageError(f"--algorithms: {name!r} needs --k >= {least} (below it, it is not a demand-paging "
                             "algorithm; docs/cache-workloads.md)")
        if parsed.id in ids:
            raise UsageError(f"--algorithms: {name!r} is listed twice")
        ids.append(parsed.id)
    if args.delimiter == "\\t":
        args.delimiter = "\t"
    return ids


def simulate(args, out=None, err=None) -> int:
    """The ``simulate`` command: read, set up, inject, run, print (the table
    to ``out``, default stdout; notes and warnings to ``err``, default stderr)."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if out is None:  # Python sets sys.stdout to None when file descriptor 1 is closed
        raise OutputError("standard output is closed; nothing can be printed (redirect it to a file)")
    import warnings
    from pathlib import Path

    algorithms = _check(args)
    from succinct_paging.traces import TraceError, read_trace, trace_stats
    from succinct_paging.traces.formats import stem

    path = Path(args.trace)
    if not path.is_file():
        raise UsageError(f"trace file {path} not found")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pages = read_trace(path, args.format, column=args.column, delimiter=args.delimiter,
                               header=args.header, limit=args.limit)
        except TraceError as exc:
            raise UsageError(str(exc)) from None
    for w in caught:
        print(f"{PROG}: warning: {w.message}", file=err)

    from succinct_paging.experiments.grid import compute_truth, run_grid

    name = stem(path)
    traces = [(name, pages)]
    truth = compute_truth(traces, args.k)
    rows = run_grid(name, traces, truth, args.k, algorithms, args.error_model, args.rate, [args.seed],
                    args.master_seed, settings=args.settings)
    s = trace_stats(pages)
    print(f"{path}: {s['requests']} requests, {s['distinct']} distinct pages ({s['one_time_share']:.1%} "
          f"requested once); k = {min(args.k, s['distinct'])}; {args.error_model} errors at rate {args.rate}, "
          f"seed {args.seed}, master seed {args.master_seed}", file=err)
    table = rows[list(COLUMNS)]
    if args.csv:
        table.to_csv(out, index=False, float_format="%.10g", lineterminator="\n")
    else:
        import pandas as pd

        def cell(value, fmt="{}"):
            return "" if pd.isna(value) else fmt.format(value)

        cells = [list(COLUMNS)] + [
            [row.algorithm, cell(row.faults), cell(row.opt), cell(row.eta0), cell(row.eta1),
             cell(row.ratio, "{:.4f}")]
            for row in table.itertuples(index=False)]
        widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
        for r in cells:  # algorithm left-aligned, numbers right-aligned
            print("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]), file=out)
    out.flush()
    return 0


def main(argv=None) -> int:
    """Entry point of the ``succinct-paging`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return simulate(args)  # the one command; argparse rejects any other
    except (UsageError, ValueError) as exc:  # the library's validation names the argument
        _say(f"{PROG}: error: {exc}")
        return 2
    except (OutputError, OSError) as exc:  # e.g. a full disk or a closed pipe while printing the table
        _say(f"{PROG}: error: cannot write the output: {exc}")
        try:  # nothing more to write: keep Python from failing again at exit
            sys.stdout = None
        except Exception:
            pass
        return 1


def _say(line):
    if sys.stderr is not None:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
