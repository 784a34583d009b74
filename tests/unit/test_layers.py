"""The package order of DESIGN.md holds: imports flow one way, and no module imports itself back.

pages -> components -> state -> the app's edges (api, worker, cli) -> domain packages (in one fixed
order) -> core and notifications -> models, db, config. Nothing below `state` imports reflex.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "practipal_app"

#: Lowest first: a package may import only packages before it (and itself).
ORDER = [
    "config",
    "deployment",
    "db",
    "models",
    "core",
    "backups",
    "notifications",
    "people",
    "boundaries",
    "billing",
    "content",
    "scheduling",
    "messaging",
    "onboarding",
    "analytics",
    "demo",
    "api",
    "worker",
    "cli",
    "state",
    "components",
    "pages",
    "practipal_app",  # the module that builds rx.App
]
#: Where reflex may be imported.
REFLEX_ALLOWED = {"state", "components", "pages", "practipal_app"}


def _modules() -> dict[str, Path]:
    return {
        ".".join(("practipal_app", *p.relative_to(PACKAGE).with_suffix("").parts)): p
        for p in PACKAGE.rglob("*.py")
    }


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The practipal_app modules (and `reflex`) a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                for a in node.names
            ]
        else:
            continue
        for name in names:
            if name == "reflex" or name.startswith("reflex."):
                found.add("reflex")
            elif name.startswith("practipal_app."):
                found.add(name.removesuffix(".__init__"))
    return found


def _package(module: str) -> str:
    """practipal_app.scheduling.rules -> scheduling; practipal_app.db -> db."""
    return module.split(".")[1]


GRAPH = {name: _imports(path, _modules()) for name, path in _modules().items()}


def test_every_top_level_package_has_a_place_in_the_order():
    assert {_package(m) for m in GRAPH} - {"__init__"} - set(ORDER) == set()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_flow_one_way(module):
    here = ORDER.index(_package(module)) if _package(module) in ORDER else None
    upward = sorted(
        t
        for t in GRAPH[module] - {"reflex"}
        if _package(t) in ORDER and ORDER.index(_package(t)) > here
    )
    assert upward == [], f"{module} imports a package above it"


def test_nothing_below_the_states_imports_reflex():
    assert (
        sorted(
            m
            for m, targets in GRAPH.items()
            if "reflex" in targets and _package(m) not in REFLEX_ALLOWED
        )
        == []
    )


def test_no_module_imports_itself_back():
    """No cycle among modules, however long."""
    edges = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            key = target if target in GRAPH else f"{target}.__init__"
            if key in GRAPH and key != module:
                edges[module].add(key)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                return [*path, module, target]
            if target not in state and (cycle := visit(target, [*path, module])):
                return cycle
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state:
            cycle = visit(module, [])
            assert cycle is None, " -> ".join(cycle)
