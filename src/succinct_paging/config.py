"""Validation of the workflow configuration.

:func:`check_config` applies the JSON Schema of
``workflow/schemas/config.schema.yaml`` (filling its defaults) and then the
checks a schema cannot express. Every error is a :class:`ConfigError` whose
message names the key, the bad value and what is allowed, so a bad config is
rejected before any job runs.
"""

from pathlib import Path

import jsonschema
import yaml

from .algorithms import ALGORITHMS, parse_algorithm

SYNTHETIC_PARAMS = {
    "uniform": ("n_pages",),
    "zipf": ("n_pages", "s"),
    "loop": ("n_pages",),
    "working_set": ("n_pages", "set_size", "switch_prob"),
}
REAL_FAMILIES = ("brightkite", "citibike")


class ConfigError(ValueError):
    """An invalid configuration value; the message names the key."""


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


def _copy(value):
    return yaml.safe_load(yaml.safe_dump(value))


def _schema_message(err):
    key = _key(err.absolute_path)
    v, expected = err.validator, err.validator_value
    if v == "additionalProperties":
        allowed = ", ".join(sorted(err.schema.get("properties", {}))) or "none"
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"config key {key}: unknown key(s) {', '.join(map(repr, extra))}; allowed keys: {allowed}"
    if v == "enum":
        return f"config key {key}: {err.instance!r} is not allowed; allowed values: {', '.join(map(str, expected))}"
    if v == "uniqueItems":
        return f"config key {key}: duplicate values in {err.instance!r} (0.1 and 0.10 are the same number); list each value once"
    if v in ("minimum", "maximum", "exclusiveMinimum"):
        return f"config key {key}: {err.instance!r} is out of range ({v} {expected})"
    if v == "required":
        return f"config key {key}: {err.message}"
    if v == "minItems":
        return f"config key {key}: must not be empty"
    if v == "type":
        return f"config key {key}: {err.instance!r} is not of type {expected}"
    return f"config key {key}: {err.message}"


def check_config(config, schema_path, repo_root):
    """Validate ``config`` in place (defaults filled) or raise ConfigError.

    ``repo_root``: folder against which a relative ``traces.mirror`` is
    resolved; the resolved absolute path is stored back. Returns ``config``.
    """
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = _with_defaults(jsonschema.Draft202012Validator)(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError(_schema_message(errors[0]))
    for key in ("rates",):
        for i, r in enumerate(config[key]):
            if isinstance(r, bool):
                raise ConfigError(f"config key {key}[{i}]: {r!r} is not a number in [0, 1]")
    canonical = []
    for i, name in enumerate(config["algorithms"]):
        try:
            canonical.append(parse_algorithm(name).id)
        except ValueError as exc:
            raise ConfigError(f"config key algorithms[{i}]: {exc}") from None
        if canonical[-1] in canonical[:-1]:
            raise ConfigError(f"config key algorithms[{i}]: {name!r} is listed twice")
    config["algorithms"] = canonical
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
    traces = config["traces"]
    mirror = Path(traces["mirror"])
    if not mirror.is_absolute():
        mirror = (Path(repo_root) / mirror).resolve()
    traces["mirror"] = str(mirror)
    if needs_mirror and not traces["fetch"] and not mirror.is_dir():
        raise ConfigError(
            f"config key traces.mirror: folder {mirror} does not exist; real trace families "
            f"({', '.join(f for f, s in config['families'].items() if s['generator'] in REAL_FAMILIES)}) "
            "need it. Point traces.mirror at the offline mirror, or set traces.fetch: true to "
            "download the public sources (needs network), or remove those families.")
    return config


__all__ = ["ALGORITHMS", "ConfigError", "check_config"]
