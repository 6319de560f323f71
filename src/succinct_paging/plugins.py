"""Plugins: code outside the package that registers algorithms (or anything
else: bit sources, …) in every process of a run (docs/extending.md).

A plugin is a function the user names; it is called with no arguments once
per process and may call :func:`succinct_paging.algorithms.register` or any
other registry's ``register``. Three ways to name one:

- the config key ``plugins``: a list of ``"package.module:function"`` or
  ``"path/to/file.py:function"`` (a relative path is relative to the
  repository root; ``"path/to/file.py"`` alone calls its function
  :data:`DEFAULT_FUNCTION`);
- an installed distribution's entry point in the group
  :data:`ENTRY_POINT_GROUP` (``[project.entry-points."succinct_paging.plugins"]``
  in its pyproject.toml), loaded whenever the registry is first read;
- the environment variable :data:`ENV` (a JSON list of specs), which
  :func:`load` sets so that every process the Snakemake process starts (the
  jobs' scripts, their conda environments) loads the same plugins.

Readers of the registry call :func:`ensure_loaded` first, so a job that only
imports the library sees the plugins too. Loading is idempotent per process:
a spec is called once, however often it is named. Errors name the spec
(and the config key when it came from the config). No numba, no pandas.
"""

import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import sys
from pathlib import Path

#: Environment variable holding the resolved specs of the run (JSON list).
ENV = "SUCCINCT_PAGING_PLUGINS"

#: Entry-point group of installed plugins.
ENTRY_POINT_GROUP = "succinct_paging.plugins"

#: Function called when a spec names a file without ``:function``.
DEFAULT_FUNCTION = "register_plugin"

_called = {}  # resolved spec -> the function that was called
_state = {"entry_points": False, "busy": False, "env": None}


class PluginError(ValueError):
    """A plugin spec that cannot be resolved, imported or called."""


def resolve(spec, repo_root=None):
    """The canonical spelling of ``spec``: ``module:function`` unchanged, a
    file spec as ``/absolute/path.py:function``. Raises PluginError."""
    usage = "expected 'package.module:function' or 'path/to/file.py[:function]'"
    if not isinstance(spec, str) or not spec.strip() or spec != spec.strip():
        raise PluginError(f"plugin {spec!r}: {usage}")
    if ".py:" in spec or spec.endswith(".py"):
        path, _, func = spec.rpartition(".py:") if ".py:" in spec else (spec[:-3], "", DEFAULT_FUNCTION)
        if not func.isidentifier():
            raise PluginError(f"plugin {spec!r}: {func!r} is not a function name; {usage}")
        path = Path(path + ".py")
        if not path.is_absolute():
            path = Path(repo_root or ".") / path
        path = path.resolve()
        if not path.is_file():
            raise PluginError(f"plugin {spec!r}: file {path} does not exist")
        return f"{path}:{func}"
    module, sep, func = spec.partition(":")
    if not sep or not all(p.isidentifier() for p in module.split(".")) or not func.isidentifier():
        raise PluginError(f"plugin {spec!r}: {usage}")
    return spec


def _import_file(path):
    """Import a plugin file as a module named after its content-free path
    (so numba's cache and pickling find it again in every process)."""
    name = "succinct_paging_plugin_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _call(resolved, where):
    if resolved in _called:
        return
    target, _, func_name = resolved.rpartition(":")
    try:
        module = _import_file(Path(target)) if target.endswith(".py") else importlib.import_module(target)
        func = getattr(module, func_name, None)
        if not callable(func):
            raise PluginError(f"{target} has no function {func_name!r}")
        _called[resolved] = func
        func()
    except Exception as exc:
        _called.pop(resolved, None)
        raise PluginError(f"{where}plugin {resolved!r} failed: {type(exc).__name__}: {exc}") from exc


def _env_specs():
    raw = os.environ.get(ENV, "")
    if not raw:
        return []
    try:
        specs = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PluginError(f"environment variable {ENV}: not a JSON list ({exc})") from None
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise PluginError(f"environment variable {ENV}: expected a JSON list of strings, got {raw!r}")
    return specs


def load(specs, repo_root=None, key="plugins"):
    """Resolve and call every spec of ``specs`` (in order, each once per
    process), and add them to :data:`ENV` so child processes load them too.
    Returns the resolved specs. Errors name ``key[i]``. O(number of specs)."""
    resolved = []
    for i, spec in enumerate(specs):
        try:
            resolved.append(resolve(spec, repo_root))
        except PluginError as exc:
            raise PluginError(f"config key {key}[{i}]: {exc}") from None
    ensure_loaded()
    for i, r in enumerate(resolved):
        _call(r, f"config key {key}[{i}]: ")
    os.environ[ENV] = json.dumps(list(dict.fromkeys(_env_specs() + resolved)))
    return resolved


def ensure_loaded():
    """Call the installed entry points (once per process) and the specs of
    :data:`ENV` not called yet. Cheap after the first call: O(specs)."""
    if _state["busy"] or (_state["entry_points"] and _state.get("env") == os.environ.get(ENV, "")):
        return  # a plugin reading the registry while it registers; or nothing new
    _state["busy"] = True
    try:
        if not _state["entry_points"]:
            _state["entry_points"] = True
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                _call(ep.value, f"entry point {ep.name!r} ({ENTRY_POINT_GROUP}): ")
        raw = os.environ.get(ENV, "")
        for spec in _env_specs():
            _call(spec, f"environment variable {ENV}: ")
        _state["env"] = raw
    finally:
        _state["busy"] = False


def loaded():
    """The specs called in this process, in order."""
    return tuple(_called)


__all__ = ["DEFAULT_FUNCTION", "ENTRY_POINT_GROUP", "ENV", "PluginError", "ensure_loaded", "load", "loaded", "resolve"]
