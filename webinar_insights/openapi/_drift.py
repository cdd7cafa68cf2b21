"""Spec drift: how live answers differ from the bundled OpenAPI documents.

The Webinar API is beta and RingCentral may change it at any time. :class:`SpecDrift` checks
each answer it is shown against the documented schema of its operation, made strict (a field
the schema does not list counts), and keeps a tally: per resource and field, how many records
differ and how (a field not in the spec, a required field missing, a value outside an enum, a
value of another type). It never raises on a difference; :meth:`SpecDrift.lines` summarises
them once, for a warning or the doctor's report.

Only field names, JSON types and the values of enum fields are ever shown, never other values:
an answer's personal data stays out of the summary.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import httpx

from ._spec import Operation, document, operation_for, operations

if TYPE_CHECKING:
    import jsonschema

Kind = Literal["unknown field", "missing field", "new value", "other type"]

# OpenAPI annotations JSON Schema does not know, dropped when a schema is converted.
_ANNOTATIONS = frozenset(
    {"example", "examples", "readOnly", "writeOnly", "deprecated", "discriminator", "xml", "format"}
)
_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


@dataclass(frozen=True)
class Difference:
    """One way answers differ from the spec: in which resource and field, how, how often."""

    resource: str
    kind: Kind
    field: str
    detail: str  # the new value (enum), the type seen (other type), or ""
    count: int
    unit: Literal["record", "answer"]  # records of a page, or whole answers

    def line(self) -> str:
        """The difference as one plain line."""
        n = f"{self.count} {self.unit}" + ("" if self.count == 1 else "s")
        if self.kind == "unknown field":
            return f"{self.resource}: field `{self.field}` not in the spec, {n}"
        if self.kind == "missing field":
            return f"{self.resource}: required field `{self.field}` missing, {n}"
        if self.kind == "new value":
            return (
                f"{self.resource}: `{self.field}` = {self.detail} is not among the spec's values"
                f" (kept as text), {n}"
            )
        return f"{self.resource}: `{self.field}` is {self.detail}, {n}"


class SpecDrift:
    """A tally of the differences between the answers it is shown and the spec.

    Pass :meth:`observe` as a hook of a :class:`~webinar_insights.Client` (``check_spec=True``
    does so) or call :meth:`check` with a decoded body.
    """

    def __init__(self) -> None:
        self.answers_checked = 0
        # (resource, kind, field, detail) -> the (answer, record) places it was seen at.
        self._seen: dict[tuple[str, Kind, str, str], set[tuple[int, int]]] = defaultdict(set)

    def __repr__(self) -> str:
        return f"SpecDrift(answers_checked={self.answers_checked}, differences={len(self._seen)})"

    def observe(self, response: httpx.Response) -> None:
        """Check one answer of the client, if the spec documents its operation and status."""
        if not 200 <= response.status_code < 300 or not response.content:
            return
        try:
            body = json.loads(response.content)
        except ValueError:
            return  # the client reports undecodable answers itself
        request = response.request
        self.check(request.method, request.url.path, response.status_code, body)

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        """Check ``body``, the answer ``status`` to ``method path``; undocumented ones are
        skipped."""
        operation = operation_for(method, path)
        if operation is None:
            return
        if _strict_schema(operation.operation_id, status) is None:
            return
        self.answers_checked += 1  # also numbers this answer in the tally
        for error in _validator(operation.operation_id, status).iter_errors(body):
            for kind, field, detail in _differences(error):
                place = list(error.absolute_path)
                record = place[1] if len(place) > 1 and place[0] == "records" else -1
                key = (operation.resource, kind, field, detail)
                where = (self.answers_checked, record if isinstance(record, int) else -1)
                self._seen[key].add(where)

    @property
    def differences(self) -> list[Difference]:
        """Every difference seen, by resource, kind and field."""
        found = [
            Difference(
                resource,
                kind,
                field,
                detail,
                len(places),
                "record" if any(record >= 0 for _, record in places) else "answer",
            )
            for (resource, kind, field, detail), places in self._seen.items()
        ]
        return sorted(found, key=lambda d: (d.resource, d.kind, d.field, d.detail))

    def lines(self) -> list[str]:
        """The differences as plain lines, one each (none when the answers match)."""
        return [difference.line() for difference in self.differences]

    def summary(self) -> str:
        """One paragraph for a warning or a report."""
        found = self.lines()
        if not found:
            verb = "matches" if self.answers_checked == 1 else "match"
            return f"{self._checked()} {verb} the API spec."
        verb = "differs" if self.answers_checked == 1 else "differ"
        return (
            f"{self._checked()} {verb} from the API spec in {len(found)} way"
            f"{'' if len(found) == 1 else 's'} (nothing failed because of it):\n  "
            + "\n  ".join(found)
        )

    def _checked(self) -> str:
        return f"{self.answers_checked} answer" + ("" if self.answers_checked == 1 else "s")


# --------------------------------------------------------------------------- schemas


@cache
def _strict_schema(operation_id: str, status: int) -> dict[str, Any] | None:
    operation = _by_id(operation_id)
    answer = operation.definition.get("responses", {}).get(str(status))
    if not isinstance(answer, dict) or "$ref" in answer:
        return None
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    return None if schema is None else _strict(schema, frozenset())


@cache
def _validator(operation_id: str, status: int) -> jsonschema.protocols.Validator:
    import jsonschema  # on first use: its format checkers take a while to import

    schema = _strict_schema(operation_id, status)
    assert schema is not None
    return jsonschema.Draft7Validator(schema)


def _by_id(operation_id: str) -> Operation:
    for operation in operations():
        if operation.operation_id == operation_id:
            return operation
    raise KeyError(operation_id)


def _strict(node: Any, seen: frozenset[str]) -> Any:
    """An OpenAPI 3.0 schema as strict JSON Schema: references inlined, ``allOf`` merged,
    ``nullable`` as a null type, and objects with listed properties closed to others."""
    if isinstance(node, list):
        return [_strict(item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:  # a recursive schema: accept anything below the second visit
            return {}
        return _strict(document()["components"]["schemas"][name], seen | {name})
    if "allOf" in node:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in node["allOf"]:
            part = _strict(part, seen)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += [
                r for r in part.get("required", []) if r not in merged["required"]
            ]
        rest = {k: v for k, v in node.items() if k != "allOf"}
        rest = _strict(rest, seen)
        merged["properties"].update(rest.pop("properties", {}))
        merged["required"] += rest.pop("required", [])
        merged.update(rest)
        return _closed(merged, node)
    out = {
        key: _strict(value, seen)
        for key, value in node.items()
        if key not in _ANNOTATIONS and not key.startswith("x-") and key != "nullable"
    }
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if "properties" in out:
        out["properties"] = {
            name: _strict(value, seen) for name, value in node["properties"].items()
        }
        return _closed(out, node)
    return out


def _closed(schema: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    if "additionalProperties" not in source and schema.get("properties"):
        schema["additionalProperties"] = False
    if not schema.get("required"):
        schema.pop("required", None)
    return schema


# --------------------------------------------------------------------------- errors


def _differences(error: jsonschema.ValidationError) -> Iterator[tuple[Kind, str, str]]:
    place = _field(error.absolute_path)
    instance: Any = error.instance
    schema: Any = error.schema
    wanted: Any = error.validator_value
    if error.validator == "additionalProperties":
        listed = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for name in sorted(set(instance) - set(listed)):
            yield "unknown field", _join(place, name), ""
    elif error.validator == "required":
        for name in wanted:
            if isinstance(instance, dict) and name not in instance:
                yield "missing field", _join(place, name), ""
    elif error.validator == "enum":
        yield (
            "new value",
            place,
            repr(error.instance)
            if isinstance(error.instance, str)
            else (_JSON_TYPES.get(type(error.instance), "a value")),
        )
    elif error.validator == "type":
        seen = _JSON_TYPES.get(type(instance), "a value")
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        yield "other type", place, f"{seen}, the spec says {wanted}"
    # Other keywords (bounds, lengths, patterns) describe values, not shapes: not drift.


def _field(path: Any) -> str:
    """A JSON path as a field name, list positions dropped and a page's records left out:
    ``records/3/webinar/host/email`` becomes ``webinar.host.email``."""
    parts = [str(part) for part in path if not isinstance(part, int)]
    if parts and parts[0] == "records":
        parts = parts[1:]
    return ".".join(parts)


def _join(place: str, name: str) -> str:
    return f"{place}.{name}" if place else name
