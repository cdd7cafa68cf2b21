"""RingCentral's OpenAPI documents of the Webinar and OAuth APIs, as bundled (see SOURCE.md),
and what the package checks against them: the operation a request belongs to and, in
:mod:`._drift`, how live answers differ from the documents."""

from __future__ import annotations

from ._drift import Difference, SpecDrift
from ._spec import (
    OAUTH_SPEC,
    WEBINAR_SPEC,
    Operation,
    component,
    document,
    operation_for,
    operations,
    path_pattern,
)

__all__ = [
    "OAUTH_SPEC",
    "WEBINAR_SPEC",
    "Difference",
    "Operation",
    "SpecDrift",
    "component",
    "document",
    "operation_for",
    "operations",
    "path_pattern",
]
