"""Validation of the workflow configuration.

:func:`check_config` applies the JSON Schema of
``workflow/schemas/config.schema.yaml`` (filling its defaults) and then the
checks a schema cannot express. Every error is a :class:`ConfigError` whose
message names the key, the bad value and what is allowed, so a bad config is
rejected before any job runs. :func:`check_config_file` catches what YAML
silently changes before the schema sees it (a repeated key, ``010`` read as
8). Limits (k, seeds, sizes) are documented in config/README.md.
"""

import functools
import importlib.util
import math
import re
import warnings
from pathlib import Path, PurePosixPath

import jsonschema
import numpy as np
import yaml

from succinct_paging import plugins
from succinct_paging.algorithms import REGISTRY, base_ids, parse_algorithm
from succinct_paging.bounds import STEPPED
from succinct_paging.cache_traces import CACHE_FOLDER, CACHE_TRACES
from succinct_paging.sizing import size_problems
from succinct_paging.validate import MAX_SEED, files_format_problem

SYNTHETIC_PARAMS = {
    "uniform": ("n_pages",),
    "zipf": ("n_pages", "s"),
    "loop": ("n_pages",),
    "working_set": ("n_pages", "set_size", "switch_prob"),
}
REAL_FAMILIES = ("brightkite", "citibike")

#: The generator of the caching field's traces (the mirror's cache/ folder,
#: one trace per family, named by ``params.trace``; contract §10).
CACHE_GENERATOR = "cache"

#: Generators whose instances with at most k distinct pages are left out when
#: ``exclude_trivial`` is on (real traces and the user's own files).
TRIVIAL_EXCLUDABLE = REAL_FAMILIES + (CACHE_GENERATOR, "files")

#: Snakemake takes a wildcard value that ends in a block repeated this many
#: times for a runaway recursion (PeriodicWildcardError, snakemake.io's
#: PeriodicityDetector), so a family name may not end like that.
PERIODIC_REPEATS = 20
_PERIODIC = re.compile(rf"(.+?)\1{{{PERIODIC_REPEATS - 1},}}\Z", re.DOTALL)


class ConfigError(ValueError):
    """An invalid configuration value; the message names the key."""


class ConfigWarning(UserWarning):
    """A valid configuration of which a part cannot run here (e.g. real trace
    families without a mirror); the message names it and what to set."""


#: Keys of a ``files`` family that say how its files are read
#: (succinct_paging.traces.formats).
FILES_FORMAT_KEYS = ("format", "column", "delimiter", "header", "limit")


def _key(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _with_defaults(validator_class):
    """A validator class that fills ``default`` values while validating."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub and name not in instance:
                    instance[name] = _copy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _is_integer(checker, value):
    # JSON Schema counts 5.0 as an integer; k5.0 would then name no file and
    # range(2.0) would fail inside a job, so only real ints are accepted.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker, value):
    # NaN passes every minimum/maximum comparison; reject it (and inf) here.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _strict(validator_class):
    checker = validator_class.TYPE_CHECKER.redefine_many({"integer": _is_integer, "number": _is_number})
    return jsonschema.validators.extend(validator_class, type_checker=checker)


def _copy(value):
    return yaml.safe_load(yaml.safe_dump(value))


def _allowed_range(schema):
    """Human form of a numeric schema's bounds: 'an integer >= 1', 'a number in [0, 1]'."""
    kind = "an integer" if schema.get("type") == "integer" else "a number"
    lo, xlo, hi = schema.get("minimum"), schema.get("exclusiveMinimum"), schema.get("maximum")
    if hi == MAX_SEED:
        hi = f"{MAX_SEED} (2**63 - 1)"
    if lo is not None and hi is not None:
        return f"{kind} in [{lo}, {hi}]"
    parts = [f">= {lo}" if lo is not None else None, f"> {xlo}" if xlo is not None else None,
             f"<= {hi}" if hi is not None else None]
    return f"{kind} " + " and ".join(p for p in parts if p)


def _number_spelling(text, integer):
    """How to write the number that the string ``text`` spells so that YAML
    reads a number ('1e-3' -> '0.001'), or None if it spells no finite number
    (or, with ``integer``, no integer)."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or (integer and not value.is_integer()):
        return None
    return str(int(value)) if value.is_integer() else np.format_float_positional(value, trim="-")


def _duplicate(items):
    """``(value, first index, second index)`` of the first repeated item."""
    for i, x in enumerate(items):
        for j in range(i):
            if items[j] == x and isinstance(items[j], bool) == isinstance(x, bool):
                return items[j], j, i
    return None, None, None


def _schema_message(err):
    key = _key(err.absolute_path)
    v, expected, value = err.validator, err.validator_value, err.instance
    if v == "additionalProperties":
        allowed = ", ".join(sorted(err.schema.get("properties", {}))) or "none"
        extra = sorted(set(value) - set(err.schema.get("properties", {})))
        return f"config key {key}: unknown key(s) {', '.join(map(repr, extra))}; allowed keys: {allowed}"
    if v == "enum":
        return f"config key {key}: {value!r} is not allowed; allowed values: {', '.join(map(str, expected))}"
    if v == "uniqueItems":
        dup, i, j = _duplicate(value)
        return (f"config key {key}: {dup!r} is listed twice (items {i} and {j}; 0.1 and 0.10 are the "
                "same number); list each value once")
    if v in ("minimum", "maximum", "exclusiveMinimum"):
        return f"config key {key}: {value!r} is out of range; allowed: {_allowed_range(err.schema)}"
    if v == "required":
        missing = [name for name in expected if name not in value]
        where = f"{key}.{missing[0]}" if err.absolute_path else missing[0]
        return f"config key {where}: required but missing"
    if v in ("minItems", "minProperties"):
        return f"config key {key}: must not be empty"
    if v == "type":
        if expected == "integer" and isinstance(value, float) and value.is_integer():
            return f"config key {key}: {value!r} is not an integer; write {int(value)}"
        spelling = _number_spelling(value, expected == "integer") if isinstance(value, str) else None
        if expected in ("integer", "number") and spelling is not None:
            why = ("YAML reads exponent notation without a decimal point as text"
                   if re.fullmatch(r"[-+]?[0-9]+[eE][-+]?[0-9]+", value.strip()) else "it is quoted")
            return (f"config key {key}: {value!r} is text, not {'an integer' if expected == 'integer' else 'a number'} "
                    f"({why}); write {spelling}")
        if expected == "number" and isinstance(value, float):
            return f"config key {key}: {value!r} is not allowed; allowed: a finite number"
        return f"config key {key}: {value!r} is not of type {expected}"
    if v == "pattern":
        whole = expected.removeprefix("\\A").removesuffix("\\Z")
        return (f"config key {key}: {value!r} is not an allowed name; allowed: names matching {whole} "
                "(the whole name: no spaces or line breaks)")
    if v == "maxLength":
        return f"config key {key}: {value!r} is too long; allowed: at most {expected} characters"
    return f"config key {key}: {err.message}"


@functools.lru_cache(maxsize=4)
def _validator(path, mtime_ns, size):
    """The defaults-filling validator of the schema file ``path``, parsed
    once per process and file version (libyaml's parser when present: the
    schema is the bulk of a config check's time)."""
    schema = yaml.load(Path(path).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _with_defaults(_strict(jsonschema.Draft202012Validator))(schema)


def check_config(config, schema_path, repo_root):
    """Validate ``config`` in place (defaults filled) or raise ConfigError.

    ``repo_root``: folder against which a relative ``traces.mirror`` (and a
    relative plugin file) is resolved; the resolved absolute path is stored
    back. Loads the config's ``plugins`` first (:func:`plugins.load`), so
    their algorithms are known. Returns ``config``.
    """
    path = Path(schema_path)
    stat = path.stat()
    validator = _validator(str(path), stat.st_mtime_ns, stat.st_size)
    schema = validator.schema
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_schema_message(errors[0]))
    for key in ("rates",):
        for i, r in enumerate(config[key]):
            if isinstance(r, bool):
                raise ConfigError(f"config key {key}[{i}]: {r!r} is not a number in [0, 1]")
    if "plugins" in config:  # before the algorithm ids: a plugin may register some (docs/extending.md)
        try:
            config["plugins"] = plugins.load(config["plugins"], repo_root)
        except plugins.PluginError as exc:
            raise ConfigError(str(exc)) from None
    # Job params hold these lists; one canonical order, so that reordering
    # them in the config reruns nothing (every table is sorted anyway).
    config["algorithms"] = _canonical_order(_canonical_algorithms(
        config["algorithms"], "algorithms",
        lambda a: "reads next-arrival predictions (contract §7), which the error models of this list do not "
                  "make; list it under arrivals.algorithms" if a.prediction == "arrivals" else None))
    config["seeds"] = sorted(config["seeds"])
    model_order = schema["properties"]["error_models"]["items"]["enum"]
    config["error_models"] = sorted(config["error_models"], key=model_order.index)
    needs_mirror = False
    for fam, spec in config["families"].items():
        gen = spec["generator"]
        where = f"families.{fam}"
        periodic = _PERIODIC.search(fam)
        if periodic:
            raise ConfigError(
                f"config key families: {fam!r} ends in {periodic.group(1)!r} repeated "
                f"{len(periodic.group(0)) // len(periodic.group(1))} times; Snakemake takes a name ending in "
                f"{PERIODIC_REPEATS} or more repeats for a runaway recursion (PeriodicWildcardError). "
                "Allowed: names without such an ending (e.g. a shorter name)")
        if gen in SYNTHETIC_PARAMS:
            if "length" not in spec:
                raise ConfigError(f"config key {where}.length: required for the synthetic generator {gen!r}")
            missing = [p for p in SYNTHETIC_PARAMS[gen] if p not in spec["params"]]
            if missing:
                raise ConfigError(
                    f"config key {where}.params: generator {gen!r} needs {', '.join(SYNTHETIC_PARAMS[gen])}; "
                    f"missing {', '.join(missing)}")
            extra = sorted(set(spec["params"]) - set(SYNTHETIC_PARAMS[gen]))
            if extra:
                raise ConfigError(
                    f"config key {where}.params: {', '.join(extra)} not used by generator {gen!r}; "
                    f"allowed: {', '.join(SYNTHETIC_PARAMS[gen])}")
            if gen == "working_set" and spec["params"]["set_size"] > spec["params"]["n_pages"]:
                raise ConfigError(f"config key {where}.params.set_size: {spec['params']['set_size']} exceeds n_pages")
            spec.setdefault("instances", 1)
        elif gen == CACHE_GENERATOR:
            _check_cache_family(spec, where)
            needs_mirror = True
        else:
            for key in ("length", "params"):
                if spec.get(key):
                    raise ConfigError(f"config key {where}.{key}: not used by the generator {gen!r}")
            if gen == "files":
                _check_files_format(spec, where)
                if "path" not in spec:
                    raise ConfigError(f"config key {where}.path: required for generator 'files' (a folder of trace files)")
                folder = Path(spec["path"])
                folder = folder if folder.is_absolute() else (Path(repo_root) / folder).resolve()
                if not folder.is_dir():
                    raise ConfigError(f"config key {where}.path: folder {folder} does not exist")
                spec["path"] = str(folder)
                _check_glob(spec["glob"], folder, f"{where}.glob")
            else:
                needs_mirror = True
        if gen != "files" and ("path" in spec or spec.get("glob", "*.txt") != "*.txt"):
            raise ConfigError(f"config key {where}.path: only used by generator 'files'")
        if gen != "files":
            for key in FILES_FORMAT_KEYS:
                if key in spec:
                    raise ConfigError(f"config key {where}.{key}: only used by generator 'files'")
    traces = config["traces"]
    mirror = Path(traces["mirror"])
    if not mirror.is_absolute():
        mirror = (Path(repo_root) / mirror).resolve()
    traces["mirror"] = str(mirror)
    if needs_mirror:
        _leave_out_unreadable_real_families(config)
    _leave_out_library_algorithms(config)
    _check_arrivals(config)
    _check_learned(config)
    _check_adversarial(config)
    _check_lower_bounds(config)
    _check_k_sweep(config)
    for key, problem in size_problems(config):
        raise ConfigError(f"config key {key}: {problem}. Lower it, or raise machine.memory_gb if the machine "
                          "running the jobs has more memory")
    return config


def _check_k_sweep(config):
    """Semantic checks of the ``k_sweep`` section (contract §9; the schema
    bounds the sizes): error settings listed once (rates must be numbers, not
    booleans), algorithm ids canonical and not ``opt`` nor next-arrival ones."""
    section = config["k_sweep"]
    seen = {}
    for i, setting in enumerate(section["errors"]):
        rate = setting["rate"]
        if isinstance(rate, bool):
            raise ConfigError(f"config key k_sweep.errors[{i}].rate: {rate!r} is not a number in [0, 1]")
        key = (setting["model"], float(rate))
        if key in seen:
            raise ConfigError(f"config key k_sweep.errors[{i}]: {setting['model']} at rate {rate} is already "
                              f"listed as k_sweep.errors[{seen[key]}]; list each setting once")
        seen[key] = i
        setting["rate"] = float(rate)
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "k_sweep.algorithms",
        lambda a: "reads next-arrival predictions (contract §7), which the error models do not make"
        if a.prediction == "arrivals" else
        ("is every row's opt column already; allowed: the other contract §3 ids or combine(A,B)"
         if "opt" in a.parts else None))


def _check_files_format(spec, where):
    """The format keys of a ``files`` family (contract §5), by the one table
    the readers use too (:func:`succinct_paging.validate.files_format_problem`):
    ``column`` required by and ``delimiter`` only used with ``format: csv``,
    ``header`` for ``txt`` and ``csv``, ``limit`` in [1, MAX_LIMIT]."""
    problem = files_format_problem({key: spec[key] for key in FILES_FORMAT_KEYS if key in spec})
    if problem:
        raise ConfigError(f"config key {where}.{problem[0]}: {problem[1]}")


def _check_cache_family(spec, where):
    """A ``cache`` family (contract §10): ``params`` holds exactly ``trace``,
    one of the mirror's cache traces; no ``length``; ``instances`` at most 1
    (a cache trace is one instance)."""
    allowed = ", ".join(CACHE_TRACES)
    params = spec.get("params", {})
    if "trace" not in params:
        raise ConfigError(f"config key {where}.params.trace: required for generator 'cache'; allowed: {allowed}")
    extra = sorted(set(params) - {"trace"})
    if extra:
        raise ConfigError(f"config key {where}.params: {', '.join(extra)} not used by generator 'cache'; "
                          "allowed: trace")
    if params["trace"] not in CACHE_TRACES:
        raise ConfigError(f"config key {where}.params.trace: {params['trace']!r} is not a cache trace of the "
                          f"mirror; allowed: {allowed}")
    if "length" in spec:
        raise ConfigError(f"config key {where}.length: not used by the generator 'cache' (the trace is read whole)")
    if spec.get("instances", 1) != 1:
        raise ConfigError(f"config key {where}.instances: {spec['instances']!r} is not allowed; a cache trace is "
                          "one instance (allowed: 1); list one family per trace")


def _remove_families(config, names):
    for fam in names:
        del config["families"][fam]
    for section in ("arrivals", "learned", "adversarial"):
        listed = config.get(section, {}).get("families")
        if listed is not None:
            config[section]["families"] = [f for f in listed if f not in names]


def _leave_out_library_algorithms(config):
    """The practical baselines run by libcachesim (contract §10; ``arc``,
    ``lirs``, …) are removed from every algorithm list with one
    :class:`ConfigWarning` when the package is not installed, so the rest
    runs. Checked without importing the package."""
    lists = [("algorithms", config)] + [(f"{sec}.algorithms", config[sec]) for sec in ("arrivals", "learned")
                                        if sec in config and "algorithms" in config[sec]]
    library = base_ids("library")
    listed = sorted({a for _, holder in lists for a in holder["algorithms"] if a in library})
    if not listed or all(importlib.util.find_spec(REGISTRY[a].library) for a in listed):
        return
    for _, holder in lists:
        holder["algorithms"] = [a for a in holder["algorithms"] if a not in library]
    warnings.warn(
        f"algorithms left out: {', '.join(listed)} (run by the optional package libcachesim, which is not "
        "installed); the rest of the experiment runs. To include them: pip install 'succinct-paging[cache]'",
        ConfigWarning)


def real_family_root(config, generator):
    """The folder holding ``<generator>/`` for a real family: the mirror
    (``traces.mirror``) when it has that subfolder, else ``results/mirror``,
    where the fetch rule writes it (``traces.fetch``)."""
    mirror = Path(config["traces"]["mirror"])
    return str(mirror) if (mirror / generator).is_dir() else "results/mirror"


def _missing_real_families(config):
    """Real families with neither a mirror folder nor ``traces.fetch``:
    ``(missing names, where, how)``. With ``traces.fetch: true`` none is
    missing (the fetch rule downloads them)."""
    traces = config["traces"]
    mirror = Path(traces["mirror"])
    missing = {} if traces["fetch"] else {
        fam: spec["generator"] for fam, spec in config["families"].items()
        if spec["generator"] in REAL_FAMILIES and not (mirror / spec["generator"]).is_dir()}
    where = (f"folder {mirror} does not exist" if not mirror.is_dir() else
             f"folder {mirror} has no {', '.join(sorted(set(g + '/' for g in missing.values())))} subfolder")
    how = ("point traces.mirror at an offline mirror that has them (see its README), or set traces.fetch: true "
           "to download and cut the public sources (needs network)")
    return list(missing), where, how


def _missing_cache_families(config):
    """``cache`` families whose file the mirror's cache/ folder lacks (there
    is no fetch rule for them): ``(missing names, where, how)``."""
    folder = Path(config["traces"]["mirror"]) / CACHE_FOLDER
    missing = {fam: CACHE_TRACES[spec["params"]["trace"]].file for fam, spec in config["families"].items()
               if spec["generator"] == CACHE_GENERATOR
               and not (folder / CACHE_TRACES[spec["params"]["trace"]].file).is_file()}
    where = (f"folder {folder} does not exist" if not folder.is_dir() else
             f"folder {folder} lacks {', '.join(sorted(set(missing.values())))}")
    how = "point traces.mirror at an offline mirror with a cache/ folder (see its README)"
    return list(missing), where, how


def _leave_out_unreadable_real_families(config):
    """Real families read the mirror when it has their folder, else the fetch
    rule's download (``traces.fetch: true``); ``cache`` families read their
    file of the mirror's cache/ folder. A family that cannot be read is an
    error under ``traces.require_mirror: true``; by default it is removed from
    ``families`` (and from the sections' family lists) with one
    :class:`ConfigWarning` naming all of them and how to get them, so the
    rest of the experiment runs on a machine without the mirror."""
    parts = [(kind, *found) for kind, found in (("real trace", _missing_real_families(config)),
                                                ("cache trace", _missing_cache_families(config))) if found[0]]
    if not parts:
        return
    missing = [fam for _, names, _, _ in parts for fam in names]
    if config["traces"]["require_mirror"]:
        raise ConfigError("config key traces.mirror: " + "; ".join(
            f"{where}; the {kind} families {', '.join(names)} need it" for kind, names, where, _ in parts)
            + " (traces.require_mirror is true). To fix: " + "; ".join(how for *_, how in parts)
            + ", or remove those families.")
    if len(missing) == len(config["families"]):
        kinds = " or ".join(kind for kind, *_ in parts)
        raise ConfigError(f"config key traces.mirror: {parts[0][2]}, and every configured family "
                          f"({', '.join(missing)}) is a {kinds.replace(' trace', '')} one that needs it. "
                          f"To fix: {'; '.join(how for *_, how in parts)}.")
    _remove_families(config, missing)
    warnings.warn(
        "; ".join(f"{kind} families left out: {', '.join(names)} ({where})" for kind, names, where, _ in parts)
        + ". The rest of the experiment runs. To include them: " + "; ".join(how for *_, how in parts)
        + ". Set traces.require_mirror: true to make this an error.", ConfigWarning)


def _check_lower_bounds(config):
    """Semantic checks of ``lower_bounds.algorithms``: known ids (canonical),
    deterministic, without ``opt`` (the adversaries of contract §4 adapt to the
    algorithm's evictions); ``robust_search.min_length <= max_length``;
    ``randomized.algorithms``: known randomized ids (canonical)."""
    section = config["lower_bounds"]
    search = section["robust_search"]
    if search["min_length"] > search["max_length"]:
        raise ConfigError(
            f"config key lower_bounds.robust_search.min_length: {search['min_length']} exceeds "
            f"lower_bounds.robust_search.max_length ({search['max_length']}); allowed: "
            f"an integer in [1, {search['max_length']}] (or raise max_length)")
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "lower_bounds.algorithms",
        lambda a: f"cannot be played by the step-by-step adversary (contract §4); allowed: the deterministic ids it "
                  f"serves, {', '.join(STEPPED)}, or combine(A,B) of them"
        if any(p not in STEPPED for p in a.parts) else None)
    randomized = section["randomized"]
    randomized["algorithms"] = _canonical_algorithms(
        randomized["algorithms"], "lower_bounds.randomized.algorithms",
        lambda a: "is not randomized; allowed: randomized ids (marker, mark0, mark0_eager, mark_predict) "
                  "or combine(A,B) of them" if not a.randomized or a.prediction == "arrivals" else None)


def _check_arrivals(config):
    """Semantic checks of the ``arrivals`` section (contract §7): known
    families (default: all configured ones), algorithm ids canonicalised."""
    section = config["arrivals"]
    families = section.setdefault("families", sorted(f for f, spec in config["families"].items()
                                                     if not spec.get("baseline_only", False)))
    for i, fam in enumerate(families):
        if fam not in config["families"]:
            raise ConfigError(f"config key arrivals.families[{i}]: {fam!r} is not a configured family; "
                              f"allowed: {', '.join(config['families'])}")
    section["algorithms"] = _canonical_algorithms(section["algorithms"], "arrivals.algorithms")


def _check_learned(config):
    """Semantic checks of the ``learned`` section: known families (default:
    the configured real and cache-trace ones), algorithms that read predictions (the
    prediction-free rows come from the main ``algorithms`` list)."""
    section = config["learned"]
    # the real traces: the mirror's families and the cache-trace ones (generator ``cache``)
    default = sorted(f for f, s in config["families"].items() if s["generator"] in (*REAL_FAMILIES, "cache"))
    for i, fam in enumerate(section.setdefault("families", default)):
        if fam not in config["families"]:
            raise ConfigError(f"config key learned.families[{i}]: {fam!r} is not a configured family; "
                              f"allowed: {', '.join(config['families'])}")
    from succinct_paging.bitsources import learned_ids  # the live registry: plugins may add predictors
    for i, predictor in enumerate(section["predictors"]):
        if predictor not in learned_ids():
            raise ConfigError(f"config key learned.predictors[{i}]: {predictor!r} is not allowed (not a past-only "
                              f"bit source); allowed: {', '.join(learned_ids())}")
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "learned.algorithms",
        lambda a: "reads no predictions; prediction-free rows come from the main algorithms list"
        if a.prediction == "none" else None)


def _check_adversarial(config):
    """Semantic checks of the ``adversarial`` section: known families
    (default: the first synthetic and the first real one), algorithms that
    read bits."""
    section = config["adversarial"]
    fams = config["families"]
    # by name, not by position: dumping a config can reorder its keys
    default = [min((f for f, s in fams.items() if s["generator"] in group), default=None)
               for group in (SYNTHETIC_PARAMS, REAL_FAMILIES)]
    for i, fam in enumerate(section.setdefault("families", [f for f in default if f is not None])):
        if fam not in fams:
            raise ConfigError(f"config key adversarial.families[{i}]: {fam!r} is not a configured family; "
                              f"allowed: {', '.join(fams)}")
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "adversarial.algorithms",
        lambda a: "reads no bits; wrong bits cannot hurt it" if a.prediction not in ("discard", "phase") else None)


def _canonical_order(ids):
    """Canonical ids in one order whatever the config's: base ids in registry
    order, then each ``combine(A,B)`` by the registry ranks of A and B (the
    order the shipped configs use, so their job params do not change)."""
    rank = {a: i for i, a in enumerate(REGISTRY)}
    return sorted(ids, key=lambda a: (len(parse_algorithm(a).parts) > 1,
                                      [rank[p] for p in parse_algorithm(a).parts]))


def _canonical_algorithms(ids, key, reject=None):
    """The canonical ids of the algorithm list at config key ``key``, each
    listed once. ``reject(parsed)`` returns why this list cannot hold an
    algorithm, or None. Raises ConfigError naming the key and index."""
    canonical = []
    for i, name in enumerate(ids):
        where = f"config key {key}[{i}]"
        try:
            parsed = parse_algorithm(name)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        reason = reject(parsed) if reject else None
        if reason:
            raise ConfigError(f"{where}: {name!r} {reason}")
        if parsed.id in canonical:
            raise ConfigError(f"{where}: {name!r} is listed twice")
        canonical.append(parsed.id)
    return canonical


def _check_glob(pattern, folder, key):
    """A ``files`` family's glob: a non-empty pattern relative to ``folder``
    that stays inside it and matches at least one file."""
    allowed = "a non-empty pattern relative to the family's path, without '..' (e.g. *.txt)"
    if not pattern.strip():
        raise ConfigError(f"config key {key}: {pattern!r} is empty; allowed: {allowed}")
    if PurePosixPath(pattern).is_absolute() or pattern.startswith("~") or ".." in PurePosixPath(pattern).parts:
        raise ConfigError(f"config key {key}: {pattern!r} reaches outside the folder {folder}; allowed: {allowed}")
    if not any(p.is_file() for p in folder.glob(pattern)):
        raise ConfigError(f"config key {key}: {pattern!r} matches no file in {folder}; allowed: {allowed} "
                          "that matches the trace files")


#: Plain YAML 1.1 scalars that PyYAML (and so Snakemake) reads as numbers
#: other than the decimal ones they seem to spell: octal (010 -> 8) and base
#: 60 (1:30 -> 90).
_OCTAL = re.compile(r"[-+]?0[0-7_]+\Z")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")


def _surprising_number(node):
    """For a plain scalar that YAML reads in another base, the message part
    'reads as ...; write ...'; else None."""
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return None
    if node.tag == "tag:yaml.org,2002:int" and _OCTAL.match(node.value):
        value = yaml.safe_load(node.value)
        meant = int(node.value.replace("_", ""), 10)
        if meant == value:  # 0, 00: the same either way
            return None
        return f"{node.value} reads as the octal number {value}; write {meant} (or {value} if you meant octal)"
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and _BASE60.match(node.value):
        value = yaml.safe_load(node.value)
        return (f"{node.value} reads as the base-60 number {value!r}; write {value!r}, or quote it "
                f"(\"{node.value}\") if you meant text")
    return None


def check_config_file(path):
    """Reject what YAML silently changes in the config file ``path``: a key
    given twice in one mapping (YAML keeps the last value) and plain numbers
    that YAML 1.1 reads in another base (``010`` is 8, ``1:30`` is 90).
    Raises ConfigError naming the file, line and key. O(size of the file).
    A file that is JSON but not YAML (Snakemake reads both) is not checked."""
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return

    visited = set()  # anchors make a node reachable twice (or from itself)

    def walk(node, keypath):
        if id(node) in visited:
            return
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, value_node in node.value:
                key, line = key_node.value, key_node.start_mark.line + 1
                if isinstance(key, str) and key in seen:
                    raise ConfigError(
                        f"config file {path}, line {line}: config key {_key(keypath + [key])}: given twice "
                        f"(lines {seen[key]} and {line}); YAML would silently keep only the last value. "
                        "Allowed: each key once per section")
                if isinstance(key, str):
                    seen[key] = line
                walk(value_node, keypath + [key])
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, keypath + [i])
        else:
            problem = _surprising_number(node)
            if problem:
                raise ConfigError(f"config file {path}, line {node.start_mark.line + 1}: "
                                  f"config key {_key(keypath)}: {problem}")

    if root is not None:
        walk(root, [])


__all__ = ["CACHE_GENERATOR", "ConfigError", "ConfigWarning", "FILES_FORMAT_KEYS", "check_config", "check_config_file",
           "real_family_root"]
