"""Recorded answers of the Webinar API, and how to make them safe to share.

``webinar-insights doctor --save-fixture DIR`` records what the API answered (a
:class:`FixtureRecorder` on the client), replaces every personal or identifying value
(:func:`anonymise`) and writes the result to ``DIR`` (:meth:`Fixture.save`). The simulator
replays such a directory (:meth:`Fixture.load`), so that a shape a user reports becomes a test.

The file, ``DIR/answers.json``::

    {
      "format": 1,
      "anonymised": true,
      "answers": [
        {"method": "GET", "path": "/webinar/...", "query": [["perPage", "100"]],
         "status": 200, "body": {...}}
      ]
    }
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from webinar_insights._files import atomic_write
from webinar_insights.errors import ConfigurationError
from webinar_insights.openapi import document, operation_for, operations

__all__ = ["FIXTURE_FILE", "Answer", "Fixture", "FixtureRecorder", "anonymise"]

FIXTURE_FILE = "answers.json"
FORMAT = 1
ANSWER_KEYS = ("method", "path", "query", "status", "body")

_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[Tt ])(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL = re.compile(r"https?://\S*", re.IGNORECASE)
# What an enum value looks like ("Live", "AuthenticatedCoworker", "video/mp4"): a value of an
# enum field that does not (an e-mail, a sentence) is replaced like any other string.
_ENUM_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./+-]{0,63}")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_KEPT_QUERY = frozenset({"page", "perPage"})


def _kept_refusal(status: int) -> bool:
    """A refusal worth replaying (403 no permission, 404 gone, ...): not a 401 or 429, which
    say something of a token or of the pace, not of the account."""
    return 400 <= status < 500 and status not in (401, 429)


# Settings shared by many people, which say nothing of anyone and which the frames read (a
# replaced time zone would be one no calendar knows), and the platform's error codes (what a
# refusal means): kept like enum values.
_SETTINGS = frozenset({"timeZone", "localeCode", "language", "countryCode", "errorCode"})
_ATTEMPTS = 64


@dataclass(frozen=True)
class Answer:
    """One recorded answer of the API.

    Parameters
    ----------
    method:
        The request's method, ``"GET"``.
    path:
        The request's path, ``"/webinar/history/v1/company/sessions"``.
    query:
        The request's query, as ``(name, value)`` pairs in the order sent.
    status:
        The HTTP status of the answer.
    body:
        The answer's parsed JSON body.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int
    body: Any


@dataclass(frozen=True)
class Fixture:
    """Answers of the API, recorded in order, and whether they were anonymised.

    Parameters
    ----------
    answers:
        The answers, in the order they came.
    anonymised:
        True once :func:`anonymise` replaced what identifies people and the company.
    """

    answers: tuple[Answer, ...]
    anonymised: bool = False

    def save(self, directory: str | os.PathLike[str], *, allow_personal: bool = False) -> Path:
        """Write the fixture to ``directory/answers.json``, creating the directory.

        Parameters
        ----------
        directory:
            Where to write; created when missing. An existing ``answers.json`` is replaced.
        allow_personal:
            Write a fixture that was not anonymised. Without it such a fixture is refused: its
            answers hold names, e-mail addresses and ids of real people.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        ConfigurationError
            The fixture is not anonymised (and ``allow_personal`` is not set), or the directory
            cannot be created or written.
        """
        folder = Path(directory)
        path = folder / FIXTURE_FILE
        if not self.anonymised and not allow_personal:
            raise ConfigurationError(
                f"refusing to write {path}: the answers are not anonymised and hold names, "
                "e-mail addresses and ids; pass the fixture through anonymise() first "
                "(or save(..., allow_personal=True) for a file that stays private)"
            )
        document = {
            "format": FORMAT,
            "anonymised": self.anonymised,
            "answers": [
                {
                    "method": answer.method,
                    "path": answer.path,
                    "query": [list(pair) for pair in answer.query],
                    "status": answer.status,
                    "body": answer.body,
                }
                for answer in self.answers
            ],
        }
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text.encode("utf-8"))
        except OSError as error:
            raise ConfigurationError(
                f"cannot write the fixture {path}: {error.strerror or error}; "
                "choose a directory you can write to"
            ) from None
        return path

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> Fixture:
        """Read a fixture that :meth:`save` wrote.

        Parameters
        ----------
        directory:
            The directory holding ``answers.json``.

        Raises
        ------
        ConfigurationError
            The directory or its file is missing or unreadable, or the file is not a fixture of
            this format; the message names the file and what is wrong with it.
        """
        folder = Path(directory)
        path = folder / FIXTURE_FILE
        if not folder.exists():
            raise ConfigurationError(
                f"no fixture directory at {folder} (looked for {path}); "
                "give the directory that `doctor --save-fixture` wrote"
            )
        if not folder.is_dir():
            raise ConfigurationError(
                f"{folder} is not a directory (looked for {path}); give the directory that "
                "`doctor --save-fixture` wrote"
            )
        if not path.is_file():
            raise ConfigurationError(
                f"no {FIXTURE_FILE} in {folder} (looked for {path}); "
                "give the directory that `doctor --save-fixture` wrote"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"cannot read the fixture {path}: {error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigurationError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}"
            ) from None
        return _fixture_from(data, path)


class FixtureRecorder:
    """Collects answers from a Client: pass ``recorder.observe`` as a callback.

    Only what a fixture needs is kept: GET answers of the Webinar API (paths under
    ``/webinar/``) with a JSON body and a 2xx status, or a 4xx refusal other than 401 and 429
    (a 403 for a missing permission, a 404 for a deleted session). Headers are never kept, so
    neither is a token; the OAuth endpoint's answers are not under ``/webinar/`` and are
    ignored.

    Examples
    --------
    >>> recorder = FixtureRecorder()
    >>> recorder.fixture().answers
    ()
    """

    def __init__(self) -> None:
        self._answers: list[Answer] = []

    def observe(self, response: httpx.Response) -> None:
        """Keep ``response`` if it is a usable answer of the Webinar API, else ignore it.

        Parameters
        ----------
        response:
            An answer with its request (as httpx gives it to a response event hook). Its body
            is read when it was not yet.
        """
        try:
            request = response.request
        except RuntimeError:  # a response built without a request: nothing to record
            return
        url = request.url
        if request.method != "GET" or not url.path.startswith("/webinar/"):
            return
        if not 200 <= response.status_code < 300 and not _kept_refusal(response.status_code):
            return
        try:
            body = json.loads(response.read())
        except (httpx.StreamError, ValueError):  # a consumed stream, or not JSON
            return
        query = tuple((str(name), str(value)) for name, value in url.params.multi_items())
        self._answers.append(Answer("GET", url.path, query, response.status_code, body))

    def fixture(self) -> Fixture:
        """What was recorded so far, in order (not anonymised)."""
        return Fixture(tuple(self._answers), anonymised=False)


def anonymise(
    fixture: Fixture, *, salt: bytes | None = None, shift: timedelta | None = None
) -> Fixture:
    """Replace every value of ``fixture`` that identifies a person, the company or its webinars.

    Replacements are consistent within one call: a value gets the same replacement wherever it
    appears, in bodies, paths and query values (a session id in a list and in the path of its
    participants, a ``nextPageToken`` and the next request's ``pageToken``). The structure stays
    exactly: the same keys, JSON types, list lengths and nulls.

    - Times (ISO-8601 date-times and dates) move by ``shift``, each keeping its own format.
    - Kept as they are: booleans, numbers (but ids), nulls, empty strings, the values of fields
      the Webinar spec declares with an ``enum`` (even a value the spec does not list), time
      zones and locale codes (settings shared by many, which the frames read), and the paging
      and enum parameters of a query.
    - Replaced: e-mail addresses (``user-<hex>@example.com``), URLs
      (``https://example.invalid/<hex>``), ids and path parameters (an opaque token; digits of
      the same length for a numeric id), page tokens (``pageToken-<hex>``) and every other
      string (``<field>-<hex>``).

    Parameters
    ----------
    fixture:
        What was recorded.
    salt:
        The key of the hash the replacements come from (at most 64 bytes). Random by default,
        so that nobody can confirm a guess by hashing it; pass one to get the same output twice.
    shift:
        Added to every time: a whole number of days. By default a random whole number of weeks,
        4 to 52 back, which keeps weekdays and times of day.

    Returns
    -------
    Fixture
        The replaced answers, with ``anonymised=True``.

    Examples
    --------
    >>> body = {"id": "3001", "title": "Q3 numbers", "creationTime": "2026-03-04T15:00:00Z"}
    >>> answer = Answer("GET", "/webinar/history/v1/webinars/3001", (), 200, body)
    >>> safe = anonymise(Fixture((answer,)), salt=b"doc", shift=timedelta(weeks=-1))
    >>> body = safe.answers[0].body
    >>> body["creationTime"], body["title"].startswith("title-"), body["id"] != "3001"
    ('2026-02-25T15:00:00Z', True, True)
    >>> safe.answers[0].path == f"/webinar/history/v1/webinars/{body['id']}"
    True
    """
    if shift is None:
        shift = -timedelta(weeks=4 + secrets.randbelow(49))
    if shift % timedelta(days=1):
        raise ValueError(f"shift must be a whole number of days, not {shift}")
    salt = os.urandom(16) if salt is None else salt
    if len(salt) > hashlib.blake2b.MAX_KEY_SIZE:
        raise ValueError(f"salt must be at most {hashlib.blake2b.MAX_KEY_SIZE} bytes")
    replacer = _Replacer(salt, shift)
    answers = tuple(
        replace(
            answer,
            path=replacer.path(answer.method, answer.path),
            query=tuple((name, replacer.query_value(name, value)) for name, value in answer.query),
            body=replacer.value(None, answer.body),
        )
        for answer in fixture.answers
    )
    return Fixture(answers, anonymised=True)


class _Replacer:
    """The replacements of one :func:`anonymise` call, remembered so that they stay consistent."""

    def __init__(self, salt: bytes, shift: timedelta) -> None:
        self._salt = salt
        self._shift = shift
        self._memo: dict[tuple[str, str], str] = {}
        self._taken: set[str] = set()

    def value(self, key: str | None, value: Any) -> Any:
        if isinstance(value, dict):
            return {name: self.value(name, item) for name, item in value.items()}
        if isinstance(value, list):
            return [self.value(key, item) for item in value]
        if isinstance(value, str):
            return self.string(key, value)
        if isinstance(value, int) and not isinstance(value, bool) and _id_like(key):
            sign = "-" if value < 0 else ""
            return int(sign + self.id(str(abs(value))))
        return value

    def string(self, key: str | None, value: str) -> str:
        if not value.strip():
            return value
        if _page_token(key):
            return self.page_token(value)
        moved = self.time(value)
        if moved is not None:
            return moved
        if (key in _enum_fields() or key in _SETTINGS) and _ENUM_LIKE.fullmatch(value):
            return value
        if _EMAIL.fullmatch(value):
            return self.email(value)
        if _URL.fullmatch(value):
            return self._unique("url", value, lambda h: f"https://example.invalid/{h.hex()[:12]}")
        if _id_like(key):
            return self.id(value)
        prefix = key or "value"
        return self._unique(f"text {prefix}", value, lambda h: f"{prefix}-{h.hex()[:8]}")

    def email(self, value: str) -> str:
        return self._unique("email", value, lambda h: f"user-{h.hex()[:8]}@example.com")

    def id(self, value: str) -> str:
        if value.isascii() and value.isdigit():
            return self._unique("id", value, lambda h: _digits(h, len(value)))
        size = min(max(len(value), 8), 64)
        return self._unique("id", value, lambda h: _letters_digits(h, size))

    def page_token(self, value: str) -> str:
        return self._unique("page token", value, lambda h: f"pageToken-{h.hex()[:8]}")

    def time(self, value: str) -> str | None:
        """``value`` moved by the shift in its own format, None when it is not a time."""
        try:
            found = _DATE_TIME.fullmatch(value)
            if found is not None:
                moment = datetime.fromisoformat(found["date"]).replace(
                    hour=int(found["hour"]),
                    minute=int(found["minute"]),
                    second=int(found["second"] or 0),
                )
                moved = moment + self._shift
                text = f"{moved:%Y-%m-%d}{found['sep']}{moved:%H:%M}"
                if found["second"] is not None:
                    text += f":{moved:%S}{found['fraction'] or ''}"
                return text + (found["zone"] or "")
            if _DATE.fullmatch(value):
                return (date.fromisoformat(value) + self._shift).isoformat()
        except (ValueError, OverflowError):  # looks like a time but is none ("2026-13-45")
            return None
        return None

    def path(self, method: str, path: str) -> str:
        """``path`` with its parameters replaced; for an undocumented path, every segment that
        is no literal part of a documented one."""
        operation = operation_for(method, path)
        if operation is not None:
            values = operation.path_parameters(path)
            return re.sub(r"\{(\w+)\}", lambda m: self.path_value(values[m[1]]), operation.template)
        literals = _literal_segments()
        return "/".join(
            part if not part or part in literals else self.path_value(part)
            for part in path.split("/")
        )

    def path_value(self, value: str) -> str:
        return self.email(value) if _EMAIL.fullmatch(value) else self.id(value)

    def query_value(self, name: str, value: str) -> str:
        kinds = _query_kinds().get(name, frozenset())
        if name in _KEPT_QUERY and value.isascii() and value.isdigit():
            return value
        if "integer" in kinds and re.fullmatch(r"-?\d+", value):
            return value
        if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return value
        if "boolean" in kinds and value in ("true", "false"):
            return value
        return self.string(name, value)

    def _unique(self, kind: str, value: str, make: Callable[[bytes], str]) -> str:
        """The replacement of ``value`` by ``make`` from a keyed hash: the same one every time,
        none that another value got, none that contains ``value`` (as far as can be: a one-digit
        id has nine others)."""
        known = self._memo.get((kind, value))
        if known is not None:
            return known
        folded = value.casefold()
        candidate = value
        for attempt in range(_ATTEMPTS):
            message = f"{kind}\0{value}\0{attempt}".encode()
            candidate = make(hashlib.blake2b(message, key=self._salt).digest())
            if candidate not in self._taken and folded not in candidate.casefold():
                break
        self._memo[kind, value] = candidate
        self._taken.add(candidate)
        return candidate


def _digits(digest: bytes, count: int) -> str:
    """``count`` decimal digits from ``digest`` (stretched when short), the first not 0."""
    number = int.from_bytes(_stretch(digest, count), "big")
    digits = [str(1 + number % 9)]
    number //= 9
    for _ in range(count - 1):
        digits.append(str(number % 10))
        number //= 10
    return "".join(digits)


def _letters_digits(digest: bytes, count: int) -> str:
    number = int.from_bytes(_stretch(digest, count), "big")
    characters = []
    for _ in range(count):
        characters.append(_BASE36[number % 36])
        number //= 36
    return "".join(characters)


def _stretch(digest: bytes, count: int) -> bytes:
    """At least one byte per character wanted: ``digest`` followed by hashes of itself."""
    blocks = [digest]
    while len(blocks) * len(digest) < count + 8:
        blocks.append(hashlib.blake2b(blocks[-1]).digest())
    return b"".join(blocks)


def _id_like(key: str | None) -> bool:
    return key is not None and (key in ("id", "ID") or key.endswith(("Id", "ID", "Ids", "IDs")))


def _page_token(key: str | None) -> bool:
    return key is not None and (key == "pageToken" or key.endswith("PageToken"))


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in ``node``, depth first."""
    if isinstance(node, dict):
        yield node
        for item in node.values():
            yield from _schemas(item)
    elif isinstance(node, list):
        for item in node:
            yield from _schemas(item)


def _resolve(
    schema: dict[str, Any], seen: frozenset[str] = frozenset()
) -> Iterable[dict[str, Any]]:
    """``schema`` and every schema it stands for: its ``$ref``, ``allOf``/``oneOf``/``anyOf``
    parts and array ``items``, followed to the end."""
    yield schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target: Any = document()
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        if isinstance(target, dict):
            yield from _resolve(target, seen | {ref})
    for combined in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combined, ()):
            if isinstance(part, dict):
                yield from _resolve(part, seen)
    items = schema.get("items")
    if isinstance(items, dict):
        yield from _resolve(items, seen)


@cache
def _enum_fields() -> frozenset[str]:
    """The names of the Webinar spec's properties and parameters that hold enum values."""
    components = document()["components"]
    names = set()
    for node in _schemas(components):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, schema in properties.items():
                if isinstance(schema, dict) and any("enum" in s for s in _resolve(schema)):
                    names.add(name)
    for name, kinds in _query_kinds().items():
        if "enum" in kinds:
            names.add(name)
    return frozenset(names)


@cache
def _query_kinds() -> dict[str, frozenset[str]]:
    """Query parameter name -> what the Webinar spec says its values are: ``enum``,
    ``integer``, ``number``, ``boolean`` (of any parameter of that name)."""
    found: dict[str, set[str]] = {}
    for parameter in _schemas(document()):
        name = parameter.get("name")
        if parameter.get("in") != "query" or not isinstance(name, str):
            continue
        kinds = found.setdefault(name, set())
        schema = parameter.get("schema")
        for part in _resolve(schema) if isinstance(schema, dict) else ():
            if "enum" in part:
                kinds.add("enum")
            if part.get("type") in ("integer", "number", "boolean"):
                kinds.add(str(part["type"]))
    return {name: frozenset(kinds) for name, kinds in found.items()}


@cache
def _literal_segments() -> frozenset[str]:
    """Every literal segment of a documented path template (``webinar``, ``v1``, ``sessions``)."""
    return frozenset(
        part
        for operation in operations()
        for part in operation.template.split("/")
        if part and "{" not in part
    )


def _fixture_from(data: Any, path: Path) -> Fixture:
    """A Fixture from the parsed file, or a ConfigurationError naming ``path`` and the flaw."""
    again = "record it again with `webinar-insights doctor --save-fixture DIR`"
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} is not a fixture: it holds no JSON object; {again}")
    for key in ("format", "anonymised", "answers"):
        if key not in data:
            raise ConfigurationError(f"{path} is not a fixture: it has no {key!r}; {again}")
    if data["format"] != FORMAT or isinstance(data["format"], bool):
        raise ConfigurationError(
            f"{path} has fixture format {data['format']!r}; this version reads format "
            f"{FORMAT}: {again}"
        )
    if not isinstance(data["anonymised"], bool):
        raise ConfigurationError(f"{path}: 'anonymised' should be true or false; {again}")
    if not isinstance(data["answers"], list):
        raise ConfigurationError(f"{path}: 'answers' should be a list; {again}")
    answers = []
    for number, item in enumerate(data["answers"], start=1):
        where = f"{path}: answer {number}"
        if not isinstance(item, dict):
            raise ConfigurationError(f"{where} is not a JSON object; {again}")
        for key in ANSWER_KEYS:
            if key not in item:
                raise ConfigurationError(f"{where} has no {key!r}; {again}")
        for key in ("method", "path"):
            if not isinstance(item[key], str):
                raise ConfigurationError(f"{where}: {key!r} should be a string; {again}")
        status = item["status"]
        if not isinstance(status, int) or isinstance(status, bool):
            raise ConfigurationError(f"{where}: 'status' should be an integer; {again}")
        query = item["query"]
        if not isinstance(query, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
            for pair in query
        ):
            raise ConfigurationError(
                f"{where}: 'query' should be a list of [name, value] string pairs; {again}"
            )
        answers.append(
            Answer(
                item["method"],
                item["path"],
                tuple((name, value) for name, value in query),
                status,
                item["body"],
            )
        )
    return Fixture(tuple(answers), anonymised=data["anonymised"])
