"""JSON schemas of the spec's components, for hypothesis-jsonschema.

OpenAPI 3.0 schemas are JSON-schema-like: references are inlined, ``nullable`` becomes a
null type, and annotations that JSON Schema does not know are dropped.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

ANNOTATIONS = {"example", "examples", "readOnly", "writeOnly", "deprecated", "discriminator", "xml"}


@cache
def _document() -> dict[str, Any]:
    spec = (
        resources.files("webinar_insights.simulator") / "spec" / "ringcentral-webinar-openapi.yaml"
    )
    return yaml.safe_load(spec.read_text())  # type: ignore[no-any-return]


def json_schema(component: str) -> dict[str, Any]:
    """The named component schema as plain JSON Schema."""
    return _convert(_document()["components"]["schemas"][component])


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _convert(_document()["components"]["schemas"][name])
    out = {
        key: _convert(value)
        for key, value in node.items()
        if key not in ANNOTATIONS and not key.startswith("x-") and key != "nullable"
    }
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if out.get("format") in ("uri", "email", "ipv4", "password"):
        out.pop("format")  # keep generation fast; the frames read these as plain strings
    return out
