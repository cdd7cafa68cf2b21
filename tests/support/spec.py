"""RingCentral's OpenAPI spec, for tests: checking answers against it and drawing its schemas.

``SpecChecker`` checks simulator answers against the spec with openapi-core. Statuses an
operation does not declare are checked against the shapes the platform documents outside the
spec: the gateway's error body (401, 429, 502, 503, 504) and, for the company endpoints whose
spec omits it, the ``Forbidden`` response (403).

``json_schema`` gives a component's schema as plain JSON Schema, for hypothesis-jsonschema:
OpenAPI 3.0 schemas are JSON-schema-like: references are inlined, ``nullable`` becomes a null
type, and annotations that JSON Schema does not know are dropped.
"""

from __future__ import annotations

from collections import Counter
from importlib.resources.abc import Traversable
from typing import Any

import httpx
import jsonschema
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from webinar_insights.openapi import OAUTH_SPEC, WEBINAR_SPEC, document, operation_for

BASE = "https://platform.ringcentral.com"
API_ERROR = {
    "type": "object",
    "required": ["errorCode", "message"],
    "properties": {"errorCode": {"type": "string"}, "message": {"type": "string"}},
}
GATEWAY_ERROR = {
    "type": "object",
    "required": ["errorCode", "message", "errors"],
    "properties": {
        "errorCode": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "array", "minItems": 1, "items": API_ERROR},
    },
}
FORBIDDEN = {
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": API_ERROR}},
}


class SpecChecker:
    def __init__(self, webinar: Traversable, oauth: Traversable) -> None:
        self.checked: Counter[tuple[str, int]] = Counter()
        self._validators = {
            WEBINAR_SPEC: OpenAPI.from_file_path(str(webinar)),
            OAUTH_SPEC: OpenAPI.from_file_path(str(oauth)),
        }

    def operation(self, method: str, path: str) -> tuple[dict[str, Any], OpenAPI]:
        found = operation_for(method, path)
        if found is None:
            raise AssertionError(f"{method} {path} is not an operation of the spec")
        return found.definition, self._validators[found.spec]

    def check(self, response: httpx.Response) -> None:
        request = response.request
        operation, validator = self.operation(request.method, request.url.path)
        status = response.status_code
        self.checked[(operation["operationId"], status)] += 1
        declared = operation["responses"].get(str(status))
        if declared is not None and ("content" in declared or "$ref" in declared):
            validator.validate_response(_request(request), _response(response))
            return
        if declared is not None and status < 400:  # declared without content: none sent
            assert response.content == b"", f"{operation['operationId']} sends no body"
            return
        body = response.json()
        if status in (401, 429, 502, 503, 504):
            jsonschema.validate(body, GATEWAY_ERROR)
        elif status == 403:
            jsonschema.validate(body, FORBIDDEN)
        elif declared is None:
            raise AssertionError(f"{operation['operationId']} may not answer {status}")


def _request(request: httpx.Request) -> WerkzeugOpenAPIRequest:
    builder = EnvironBuilder(
        method=request.method,
        base_url=BASE,
        path=request.url.path,
        query_string=request.url.query.decode(),
        headers=dict(request.headers),
        data=request.content,
    )
    return WerkzeugOpenAPIRequest(Request(builder.get_environ()))


def _response(response: httpx.Response) -> WerkzeugOpenAPIResponse:
    headers = {"Content-Type": response.headers.get("content-type", "")}
    return WerkzeugOpenAPIResponse(
        Response(response.content, status=response.status_code, headers=headers)
    )


ANNOTATIONS = {"example", "examples", "readOnly", "writeOnly", "deprecated", "discriminator", "xml"}


def json_schema(component: str) -> dict[str, Any]:
    """The named component schema as plain JSON Schema."""
    return _convert(document()["components"]["schemas"][component])


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _convert(document()["components"]["schemas"][name])
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
