"""One source for every list of names (issue 22): the names a user may write
(trace families, formats, predictors, error models, lower-bound and k-sweep
families, layouts, report tables) are defined in code, and the config
schema's enums and the rules' wildcard patterns agree with them.

Every enum of the schema must be listed in :data:`SCHEMA_ENUMS` with the code
it must equal, so a new enum (or a new name in code) fails here until the two
agree."""

import re
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from succinct_paging import config as config_module
from succinct_paging.config import CACHE_GENERATOR
from succinct_paging.errors import ERROR_MODELS
from succinct_paging.experiments import adversarial, k_sweep
from succinct_paging.plotting import style
from succinct_paging.proofs import lower_bounds, yao
from succinct_paging.traces import FORMATS, REAL_FAMILIES, SYNTHETIC

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
RULES = {p.name: p.read_text() for p in (ROOT / "workflow" / "rules").glob("*.smk")}

#: Schema path of every enum -> the names in code it must equal, in order.
SCHEMA_ENUMS = {
    "error_models/items": ERROR_MODELS,
    "adversarial/kinds/items": adversarial.KINDS,
    "k_sweep/errors/items/model": ERROR_MODELS + (k_sweep.SOON,),
    "plots/layout": tuple(sorted(style.LAYOUTS)),
    "lower_bounds/families/items": lower_bounds.FAMILIES,
    "lower_bounds/randomized/search/algorithms/items": yao.SEARCH_ALGORITHMS,
    "families/additionalProperties/generator": tuple(SYNTHETIC) + tuple(REAL_FAMILIES) + (CACHE_GENERATOR, "files"),
    "families/additionalProperties/format": FORMATS,
    "k_sweep/families/items": tuple(k_sweep.FAMILIES),
}


def _enums(node, path=()):
    """``{path: enum}`` of a schema, ``properties`` left out of the path."""
    found = {}
    if isinstance(node, dict):
        if "enum" in node:
            found["/".join(path)] = tuple(node["enum"])
        for key, value in node.items():
            found.update(_enums(value, path if key == "properties" else path + (key,)))
    return found


def test_every_schema_enum_equals_the_names_in_code():
    enums = _enums(SCHEMA)
    assert set(enums) == set(SCHEMA_ENUMS), (
        f"schema enums without a source in code: {sorted(set(enums) - set(SCHEMA_ENUMS))}; "
        f"listed here but gone from the schema: {sorted(set(SCHEMA_ENUMS) - set(enums))}")
    for path, names in SCHEMA_ENUMS.items():
        assert set(enums[path]) == set(names), f"schema {path}: {enums[path]}, code: {names}"
        assert len(enums[path]) == len(names), f"schema {path} repeats a name"


def test_the_error_model_lists_are_one_list():
    assert adversarial.KINDS == ERROR_MODELS
    assert tuple(style.ERROR_MODELS) == ERROR_MODELS
    assert tuple(style.ERROR_MODEL_COLOURS) == ERROR_MODELS


def test_the_config_checks_know_the_generators_the_readers_have():
    """config.py sits below traces/ (it cannot import it), so its copies are compared here."""
    assert tuple(config_module.SYNTHETIC_PARAMS) == tuple(SYNTHETIC)
    assert tuple(config_module.REAL_FAMILIES) == tuple(REAL_FAMILIES)


def _wildcard(name, text):
    match = re.search(rf'^\s*{name}="([^"]+)"', text, re.M)
    assert match, f"no wildcard constraint {name}"
    return match.group(1)


def test_the_family_wildcard_is_the_schema_family_name():
    schema_pattern = SCHEMA["properties"]["families"]["propertyNames"]["pattern"]
    assert schema_pattern == r"\A" + _wildcard("family", RULES["common.smk"]) + r"\Z"


@given(st.floats(min_value=0, max_value=1))
def test_every_rate_label_matches_the_rate_wildcard(rate):
    """common.smk's rate_label is repr(float(rate)); the rate wildcard takes all of them."""
    assert re.fullmatch(_wildcard("rate", RULES["common.smk"]), repr(float(rate)))


def test_the_report_tables_are_one_list():
    """The report_table rule's wildcard names exactly the tables REPORT_TABLES may ask
    for, and each is a CSV some rule writes under results/."""
    text = RULES["report.smk"]
    allowed = _wildcard("table", text).split("|")
    block = text[text.index("REPORT_TABLES = ["):]
    block = block[:block.index("\n]") + 2]
    asked = re.findall(r'(?<!\[)"([a-z_/]+)"', block)  # config["..."] keys left out
    assert sorted(allowed) == sorted(set(asked)), (allowed, asked)
    every_rule = "\n".join(RULES.values())
    for table in allowed:
        assert re.search(rf'"results/{table}\.csv"', every_rule), f"no rule writes results/{table}.csv"
