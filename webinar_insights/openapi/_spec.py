"""The bundled OpenAPI documents, read once, and the operation a request path belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

WEBINAR_SPEC = "ringcentral-webinar-openapi.yaml"
OAUTH_SPEC = "ringcentral-oauth-openapi.yaml"


@dataclass(frozen=True)
class Operation:
    """One documented operation: its method, path template, id and definition."""

    method: str
    template: str
    operation_id: str
    definition: dict[str, Any]
    pattern: re.Pattern[str]
    spec: str  # the bundled document it is in (WEBINAR_SPEC or OAUTH_SPEC)

    def path_parameters(self, path: str) -> dict[str, str]:
        """The values of the template's ``{parameters}`` in ``path`` (which it must match)."""
        found = self.pattern.match(path)
        if found is None:
            raise ValueError(f"{path} is not a path of {self.template}")
        return found.groupdict()

    @property
    def lists(self) -> bool:
        """Whether the operation answers a page of records (a ``...ListResource``)."""
        answer = self.definition.get("responses", {}).get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        return str(schema.get("$ref", "")).endswith("ListResource")

    @property
    def resource(self) -> str:
        """What the operation answers with, as a plain noun: the template's last literal part
        ("sessions", "participants", "webinars")."""
        literal = [part for part in self.template.split("/") if part and "{" not in part]
        return literal[-1] if literal else self.template


def path_pattern(template: str) -> re.Pattern[str]:
    """A path template as a pattern matching its paths, each ``{name}`` a named group."""
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


@cache
def document(name: str = WEBINAR_SPEC) -> dict[str, Any]:
    """A bundled OpenAPI document, parsed (once per process)."""
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # type: ignore[no-any-return]


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation of both documents, the most specific template first (so that
    ``.../participants/self`` wins over a template with a parameter in its place)."""
    found = []
    for name in (WEBINAR_SPEC, OAUTH_SPEC):
        for template, item in document(name)["paths"].items():
            pattern = path_pattern(template)
            for method, definition in item.items():
                if method == "parameters" or not isinstance(definition, dict):
                    continue
                found.append(
                    Operation(
                        method.upper(),
                        template,
                        str(definition.get("operationId", f"{method} {template}")),
                        definition,
                        pattern,
                        name,
                    )
                )
    found.sort(key=lambda op: op.template.count("{"))
    return tuple(found)


def operation_for(method: str, path: str) -> Operation | None:
    """The documented operation ``method path`` belongs to, None for an undocumented one."""
    for op in operations():
        if op.method == method.upper() and op.pattern.match(path):
            return op
    return None


def component(name: str) -> dict[str, Any]:
    """A component schema of the Webinar document, as written (``$ref`` left in place)."""
    return document()["components"]["schemas"][name]  # type: ignore[no-any-return]
