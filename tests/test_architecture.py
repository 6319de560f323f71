"""The package's architecture (docs/architecture.md): data flows one way,
core modules import no experiment or figure code, no import circle exists
(function-level imports included), no private name is imported across
modules, and reading the registry does not import numba."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "succinct_paging"

#: Floors of the layout, lowest first: a module may import its own floor or lower ones.
FLOORS = ["kernels", "core", "traces", "experiments", "proofs", "plotting", "cli"]


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _floor(module):
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FLOORS:
        return parts[1]
    if len(parts) > 1 and parts[1] == "cli":
        return "cli"
    return "core"


def _imports(path):
    """Modules of the package that ``path`` imports anywhere (functions too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            found.append((target, names))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return [(t, n) for t, n in found if t.split(".")[0] == "succinct_paging"]


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for target, names in _imports(path):
            for n in names:  # "from package import module" names a module
                if f"{target}.{n}" in modules:
                    targets.add(f"{target}.{n}")
            if target in modules:
                targets.add(target)
        graph[name] = targets - {name}
    return graph


def test_no_import_circle():
    graph = _graph()
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if nxt == "succinct_paging":
                continue  # the package's lazy __init__ imports nothing at import time
            if state.get(nxt) == "open":
                raise AssertionError("import circle: " + " -> ".join(stack + [node, nxt]))
            if nxt not in state:
                visit(nxt, stack + [node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_data_flows_down_the_floors():
    for module, targets in _graph().items():
        for target in targets:
            if target == "succinct_paging":
                continue
            assert FLOORS.index(_floor(target)) <= FLOORS.index(_floor(module)), (module, target)


def test_no_private_name_is_imported_across_modules():
    for path in PACKAGE.rglob("*.py"):
        for target, names in _imports(path):
            private = [n for n in names if n.startswith("_")]
            assert not private, (str(path.relative_to(PACKAGE)), target, private)


def test_reading_the_registry_does_not_import_numba():
    code = ("import sys, succinct_paging, succinct_paging.algorithms, succinct_paging.config; "
            "print('numba' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_every_subpackage_is_a_regular_package_with_a_docstring():
    """One package style (issue 22): no namespace packages beside regular ones."""
    for folder in sorted(p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        if not any(folder.glob("*.py")):
            continue
        init = folder / "__init__.py"
        assert init.is_file(), f"{folder.relative_to(PACKAGE)} has modules but no __init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init.relative_to(PACKAGE)} has no docstring"


def test_importing_a_subpackage_imports_no_heavy_dependency():
    """experiments/, proofs/ and plotting/ re-export nothing, so a job that
    imports one module of them pays for that module only."""
    code = ("import sys, succinct_paging.experiments, succinct_paging.proofs, succinct_paging.plotting; "
            "print(*(m in sys.modules for m in ('numba', 'pandas', 'matplotlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]

