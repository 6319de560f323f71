"""Validation of the workflow configuration.

:func:`check_config` applies the JSON Schema of
``workflow/schemas/config.schema.yaml`` (filling its defaults) and then the
checks a schema cannot express. Every error is a :class:`ConfigError` whose
message names the key, the bad value and what is allowed, so a bad config is
rejected before any job runs.
"""

import math
import warnings
from pathlib import Path

import jsonschema
import yaml

from succinct_paging.algorithms import ALGORITHMS, parse_algorithm

SYNTHETIC_PARAMS = {
    "uniform": ("n_pages",),
    "zipf": ("n_pages", "s"),
    "loop": ("n_pages",),
    "working_set": ("n_pages", "set_size", "switch_prob"),
}
REAL_FAMILIES = ("brightkite", "citibike")


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
    if lo is not None and hi is not None:
        return f"{kind} in [{lo}, {hi}]"
    parts = [f">= {lo}" if lo is not None else None, f"> {xlo}" if xlo is not None else None,
             f"<= {hi}" if hi is not None else None]
    return f"{kind} " + " and ".join(p for p in parts if p)


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
        if expected == "number" and isinstance(value, float):
            return f"config key {key}: {value!r} is not allowed; allowed: a finite number"
        return f"config key {key}: {value!r} is not of type {expected}"
    if v == "pattern":
        return f"config key {key}: {value!r} is not an allowed name; allowed: names matching {expected}"
    return f"config key {key}: {err.message}"


def check_config(config, schema_path, repo_root):
    """Validate ``config`` in place (defaults filled) or raise ConfigError.

    ``repo_root``: folder against which a relative ``traces.mirror`` is
    resolved; the resolved absolute path is stored back. Returns ``config``.
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = _with_defaults(_strict(jsonschema.Draft202012Validator))(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_schema_message(errors[0]))
    for key in ("rates",):
        for i, r in enumerate(config[key]):
            if isinstance(r, bool):
                raise ConfigError(f"config key {key}[{i}]: {r!r} is not a number in [0, 1]")
    config["algorithms"] = _canonical_algorithms(
        config["algorithms"], "algorithms",
        lambda a: "reads next-arrival predictions (contract §7), which the error models of this list do not "
                  "make; list it under arrivals.algorithms" if a.prediction == "arrivals" else None)
    needs_mirror = False
    for fam, spec in config["families"].items():
        gen = spec["generator"]
        where = f"families.{fam}"
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
    _check_arrivals(config)
    _check_learned(config)
    _check_adversarial(config)
    _check_lower_bounds(config)
    return config


def _check_files_format(spec, where):
    """The format keys of a ``files`` family (contract §5): ``column`` is
    required by and ``delimiter`` only used with ``format: csv``; ``header``
    applies to ``txt`` and ``csv``."""
    fmt = spec.get("format", "txt")
    if fmt == "csv" and "column" not in spec:
        raise ConfigError(f"config key {where}.column: required for format 'csv' (the header name or the "
                          "1-based field number of the page id)")
    unused = {"txt": ("column", "delimiter"), "oracleGeneral": ("column", "delimiter", "header")}.get(fmt, ())
    for key in unused:
        if key in spec:
            raise ConfigError(f"config key {where}.{key}: not used by format {fmt!r}; it applies to format 'csv'")
    column = spec.get("column")
    if column is not None and (column == "" or (isinstance(column, int) and column < 1)):
        raise ConfigError(f"config key {where}.column: {column!r} is not allowed; allowed: a header name or a "
                          "field number >= 1")
    delimiter = spec.get("delimiter")
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '\r\n"'):
        raise ConfigError(f"config key {where}.delimiter: {delimiter!r} is not allowed; allowed: one character "
                          "other than a quote or a line end, e.g. ',' or \"\\t\" (a tab)")
    if isinstance(column, str) and not column.isdigit() and spec.get("header") is False:
        raise ConfigError(f"config key {where}.header: false, but column {column!r} is a header name; "
                          "set header: true or give the 1-based field number")


def real_family_root(config, generator):
    """The folder holding ``<generator>/`` for a real family: the mirror
    (``traces.mirror``) when it has that subfolder, else ``results/mirror``,
    where the fetch rule writes it (``traces.fetch``)."""
    mirror = Path(config["traces"]["mirror"])
    return str(mirror) if (mirror / generator).is_dir() else "results/mirror"


def _leave_out_unreadable_real_families(config):
    """Real families read the mirror when it has their folder, else the fetch
    rule's download (``traces.fetch: true``). A family with neither is an
    error under ``traces.require_mirror: true``; by default it is removed from
    ``families`` (and from the sections' family lists) with one
    :class:`ConfigWarning` naming all of them and how to get them, so the
    rest of the experiment runs on a machine without the mirror."""
    traces = config["traces"]
    mirror = Path(traces["mirror"])
    if traces["fetch"]:
        return
    missing = {fam: spec["generator"] for fam, spec in config["families"].items()
               if spec["generator"] in REAL_FAMILIES and not (mirror / spec["generator"]).is_dir()}
    if not missing:
        return
    where = (f"folder {mirror} does not exist" if not mirror.is_dir() else
             f"folder {mirror} has no {', '.join(sorted(set(g + '/' for g in missing.values())))} subfolder")
    how = ("point traces.mirror at an offline mirror that has them (see its README), or set traces.fetch: true "
           "to download and cut the public sources (needs network)")
    if traces["require_mirror"]:
        raise ConfigError(f"config key traces.mirror: {where}; the real trace families "
                          f"{', '.join(missing)} need it (traces.require_mirror is true). To fix: {how}, "
                          "or remove those families.")
    if len(missing) == len(config["families"]):
        raise ConfigError(f"config key traces.mirror: {where}, and every configured family "
                          f"({', '.join(missing)}) is a real one that needs it. To fix: {how}.")
    for fam in missing:
        del config["families"][fam]
    for section in ("arrivals", "learned", "adversarial"):
        listed = config.get(section, {}).get("families")
        if listed is not None:
            config[section]["families"] = [f for f in listed if f not in missing]
    warnings.warn(
        f"real trace families left out: {', '.join(missing)} ({where}); the rest of the experiment runs. "
        f"To include them: {how}. Set traces.require_mirror: true to make this an error.",
        ConfigWarning)


def _check_lower_bounds(config):
    """Semantic checks of ``lower_bounds.algorithms``: known ids (canonical),
    deterministic, without ``opt`` (the adversaries of contract §4 adapt to the
    algorithm's evictions)."""
    section = config["lower_bounds"]
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "lower_bounds.algorithms",
        lambda a: "cannot be played by an adaptive adversary; allowed: deterministic ids lru, fifo, "
                  "followbits, followbits_robust, or combine(A,B) of them"
        if a.randomized or "opt" in a.parts or a.prediction == "arrivals" else None)


def _check_arrivals(config):
    """Semantic checks of the ``arrivals`` section (contract §7): known
    families (default: all configured ones), algorithm ids canonicalised."""
    section = config["arrivals"]
    families = section.setdefault("families", sorted(config["families"]))
    for i, fam in enumerate(families):
        if fam not in config["families"]:
            raise ConfigError(f"config key arrivals.families[{i}]: {fam!r} is not a configured family; "
                              f"allowed: {', '.join(config['families'])}")
    section["algorithms"] = _canonical_algorithms(section["algorithms"], "arrivals.algorithms")


def _check_learned(config):
    """Semantic checks of the ``learned`` section: known families (default:
    the configured real ones), discard-bit or prediction-free algorithms."""
    section = config["learned"]
    default = sorted(f for f, s in config["families"].items() if s["generator"] in REAL_FAMILIES)
    for i, fam in enumerate(section.setdefault("families", default)):
        if fam not in config["families"]:
            raise ConfigError(f"config key learned.families[{i}]: {fam!r} is not a configured family; "
                              f"allowed: {', '.join(config['families'])}")
    section["algorithms"] = _canonical_algorithms(
        section["algorithms"], "learned.algorithms",
        lambda a: f"reads {a.prediction} predictions; the learned predictors make discard bits"
        if a.prediction not in ("none", "discard") else None)


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


__all__ = ["ALGORITHMS", "ConfigError", "ConfigWarning", "FILES_FORMAT_KEYS", "check_config", "real_family_root"]
