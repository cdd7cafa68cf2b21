"""Walking and reading a Vega-Lite spec (``chart.to_dict()``) in tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "Spec",
    "data_of",
    "embedded_rows",
    "mark_type",
    "marks",
    "params",
    "subtitle",
    "view_with",
    "views",
    "walk",
]

Spec = dict[str, Any]


def walk(node: object) -> Iterator[dict[str, Any]]:
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def views(spec: Spec) -> list[dict[str, Any]]:
    """The unit views (with a mark) of a spec, each with the data it draws (its own or the
    nearest enclosing layer's: Altair lifts data shared by all layers to the layer)."""
    found: list[dict[str, Any]] = []

    def visit(node: dict[str, Any], data: object) -> None:
        data = node.get("data", data)
        if "mark" in node:
            found.append({**node, "data": data})
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []):
                visit(child, data)

    visit(spec, None)
    return found


def mark_type(view: Mapping[str, Any]) -> str:
    mark = view["mark"]
    return str(mark["type"] if isinstance(mark, dict) else mark)


def marks(spec: Spec) -> list[str]:
    return [mark_type(view) for view in views(spec)]


def data_of(spec: Spec, view: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = view["data"]
    if "values" in data:
        return list(data["values"])
    return list(spec["datasets"][data["name"]])


def view_with(spec: Spec, mark: str, field: str | None = None) -> dict[str, Any]:
    """The one view with this mark (and an encoding of this field, if given)."""
    found = [
        view
        for view in views(spec)
        if mark_type(view) == mark
        and (
            field is None
            or any(
                isinstance(channel, dict) and channel.get("field") == field
                for channel in view.get("encoding", {}).values()
            )
        )
    ]
    assert len(found) == 1, (mark, field, [mark_type(v) for v in views(spec)])
    return found[0]


def embedded_rows(spec: Spec) -> int:
    """Rows of data embedded anywhere in the spec (named datasets and inline values)."""
    rows = sum(len(values) for values in spec.get("datasets", {}).values())
    for node in walk({key: value for key, value in spec.items() if key != "datasets"}):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows += len(data["values"])
    return rows


def params(spec: Spec) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for node in walk(spec) for p in node.get("params", []) if "name" in p}


def subtitle(spec: Spec) -> str:
    title = spec["title"]
    lines = title.get("subtitle", [])
    return " ".join([lines] if isinstance(lines, str) else lines)
