"""The architecture, executable: every module sits in a declared layer, imports point down the
layers only, and no import cycle (docs/architecture.md describes the layers).

Plain ``ast`` over the package's source: every ``import`` and ``from ... import`` is read,
relative or absolute, at module level, in functions and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import webinar_insights

PACKAGE = "webinar_insights"

# Lowest layer first. A module may import its own layer or a lower one, never a higher one.
# An entry places the module of that name and, for a package, every module inside it; the root
# package entry places the root ``__init__`` only. New module? Add it here (and one line to
# docs/architecture.md).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("webinar_insights.errors",)),
    (
        "floor",
        (
            "webinar_insights._checks",
            "webinar_insights._files",
            "webinar_insights._jwt",
            "webinar_insights._periods",
            "webinar_insights._time",
            "webinar_insights.schemas",
            "webinar_insights.theme",
        ),
    ),
    # The API's documents (spec drift) and recorded answers (fixtures): for simulator and client.
    ("openapi", ("webinar_insights.openapi", "webinar_insights.fixtures")),
    # Below the client: Client.simulator() builds one, the simulator knows no client.
    ("simulator", ("webinar_insights.simulator",)),
    ("client", ("webinar_insights.client",)),
    ("frames", ("webinar_insights.frames",)),
    ("store", ("webinar_insights.store",)),
    ("syncing", ("webinar_insights.syncing",)),
    # The top-level namespace re-exports client, store, sync and errors, and reads __version__.
    ("package", (PACKAGE,)),
    ("metrics", ("webinar_insights.metrics",)),
    ("charts", ("webinar_insights.charts",)),
    ("report", ("webinar_insights.report",)),
    # Jupyter set-up: the offline chart renderer (the report's Vega bundle) and setup().
    ("notebook", ("webinar_insights.notebook",)),
    ("widgets", ("webinar_insights.widgets",)),
    ("cli", ("webinar_insights.cli",)),
)


@dataclass(frozen=True)
class Edge:
    """One import of a package module by another."""

    source: str
    target: str
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``: never runs, so no cycle


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: name -> (source file, is a package)."""
    found = {PACKAGE: (Path(webinar_insights.__file__), True)}
    for info in pkgutil.walk_packages(webinar_insights.__path__, f"{PACKAGE}."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None
        assert spec.origin is not None
        found[info.name] = (Path(spec.origin), info.ispkg)
    return found


MODULES = _modules()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for inner in ast.walk(child):
                        if hasattr(inner, "lineno"):
                            lines.add(inner.lineno)
    return lines


def _target(name: str) -> str:
    """The package module an imported dotted name loads: the longest known module prefix."""
    while name not in MODULES:
        name, _, _ = name.rpartition(".")
        assert name, "an import inside the package names no module of it"
    return name


def _edges(module: str) -> list[Edge]:
    """The intra-package imports of one module."""
    path, is_package = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = _type_checking_lines(tree)
    here = module if is_package else module.rpartition(".")[0]
    edges: list[Edge] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            # ``from pkg import name`` loads the submodule pkg.name when there is one.
            targets = [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in targets:
            if name == PACKAGE or name.startswith(f"{PACKAGE}."):
                target = _target(name)
                if target != module:
                    edges.append(Edge(module, target, node.lineno, node.lineno in type_only))
    return edges


EDGES = [edge for module in sorted(MODULES) for edge in _edges(module)]


def _layer(module: str) -> int | None:
    """The index in LAYERS of the layer holding ``module`` (None: nobody placed it)."""
    for index, (_, entries) in enumerate(LAYERS):
        for entry in entries:
            if module == entry or (entry != PACKAGE and module.startswith(f"{entry}.")):
                return index
    return None


def test_the_walk_sees_the_whole_package() -> None:
    # A guard on the test itself: the walk found the modules and the imports between them.
    assert {PACKAGE, "webinar_insights.cli", "webinar_insights.syncing"} <= set(MODULES)
    assert any(module.startswith("webinar_insights.metrics.") for module in MODULES)
    pairs = {(edge.source, edge.target) for edge in EDGES}
    assert (PACKAGE, "webinar_insights.syncing") in pairs  # from .syncing import ...
    assert ("webinar_insights.cli", "webinar_insights.report") in pairs  # in a function
    assert ("webinar_insights.client._client", "webinar_insights.simulator") in pairs  # ..simulator


def test_every_module_is_placed_in_a_layer() -> None:
    unplaced = sorted(m for m in MODULES if _layer(m) is None)
    assert not unplaced, (
        f"{unplaced} are in no layer: add each to LAYERS in tests/test_architecture.py (in the"
        " lowest layer whose modules it imports, or a new layer at its place in the stack) and"
        " give it a line in docs/architecture.md"
    )


def test_every_layer_entry_names_a_module() -> None:
    stale = [entry for _, entries in LAYERS for entry in entries if entry not in MODULES]
    assert not stale, f"LAYERS names modules that do not exist any more: {stale}"


def test_imports_point_down_the_layers() -> None:
    climbing = []
    for edge in EDGES:
        source, target = _layer(edge.source), _layer(edge.target)
        if source is None or target is None:
            continue  # test_every_module_is_placed_in_a_layer names them
        if target > source:
            climbing.append(
                f"{edge.source} (layer {LAYERS[source][0]}) imports {edge.target}"
                f" (layer {LAYERS[target][0]}) at line {edge.line}"
            )
    assert not climbing, "imports climbing the layers:\n" + "\n".join(climbing)


def _cycles(edges: list[Edge]) -> list[list[Edge]]:
    """One cycle of each strongly connected part of the import graph, as the edges around it."""
    graph: dict[str, list[Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge)
    cycles: list[list[Edge]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[Edge] = []

    def visit(module: str) -> None:
        state[module] = 1
        for edge in graph.get(module, []):
            if state.get(edge.target) == 1:
                start = next((i for i, e in enumerate(path) if e.source == edge.target), len(path))
                cycle = [*path[start:], edge]
                members = frozenset(e.source for e in cycle)
                if members not in seen:
                    seen.add(members)
                    cycles.append(cycle)
            elif edge.target not in state:
                path.append(edge)
                visit(edge.target)
                path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_cycle_finder_finds_a_cycle() -> None:
    # A guard on the finder itself, over a made-up graph: a -> b -> c -> a, and c -> d.
    edges = [Edge("a", "b", 1, False), Edge("b", "c", 2, False), Edge("c", "a", 3, False)]
    edges.append(Edge("c", "d", 4, False))
    (cycle,) = _cycles(edges)
    assert [(e.source, e.target) for e in cycle] == [("a", "b"), ("b", "c"), ("c", "a")]
    assert _cycles([Edge("a", "b", 1, False)]) == []


def test_no_import_cycles() -> None:
    runtime = [edge for edge in EDGES if not edge.type_only]
    circles = [
        " -> ".join(f"{e.source} (line {e.line})" for e in cycle) + f" -> {cycle[0].source}"
        for cycle in _cycles(runtime)
    ]
    assert not circles, (
        "import cycles (each module with the line where it imports the next):\n"
        + "\n".join(circles)
    )
