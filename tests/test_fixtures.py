"""Fixtures: recording the simulator's answers, anonymising them so that no name, e-mail, id,
title, URL or page token survives while the shape stays, and the file that holds them."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.simulator import BASE, make_sim, token_for
from webinar_insights.errors import ConfigurationError
from webinar_insights.fixtures import FIXTURE_FILE, Answer, Fixture, FixtureRecorder, anonymise
from webinar_insights.openapi import operation_for

SALT = b"test-fixtures-salt"
SHIFT = timedelta(weeks=-7)
SESSIONS = "/webinar/history/v1/company/sessions"
RECORDINGS = "/webinar/history/v1/company/recordings"
WINDOW = {"endTimeFrom": "2020-01-01T00:00:00Z", "endTimeTo": "2027-12-01T00:00:00.000Z"}
ENUM_KEYS = {
    "status",
    "runtimeStatus",
    "role",
    "originalRole",
    "type",
    "domain",
    "panelistAuthentication",
    "attendeeAuthentication",
}
# Shared settings the frames read, kept like enum values (a replaced zone would be no zone).
SETTING_KEYS = {"timeZone", "localeCode", "errorCode"}
NAME_KEYS = {"firstName", "lastName", "name", "displayName", "title", "description"}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class Recorded:
    """What the simulator answered, recorded, and where each answer of interest sits."""

    fixture: Fixture
    index: dict[str, int]  # "list1", "list2", "session", "participants", ... -> answer number
    session_at: tuple[int, int]  # (list answer number, record number) of the chosen session
    webinar_id: str
    session_id: str
    answers_sent: int  # successful GETs under /webinar/


@pytest.fixture(scope="module")
def recorded() -> Recorded:
    """A real recording: the company sessions (every page), one finished session, a page of
    its participants and of its registrants, its webinar and the company recordings."""
    recorder = FixtureRecorder()
    sim = make_sim()
    hooks = {"response": [recorder.observe]}
    with httpx.Client(transport=sim.transport(), base_url=BASE, event_hooks=hooks) as http:
        http.headers["Authorization"] = f"Bearer {token_for(http).json()['access_token']}"
        index: dict[str, int] = {}
        sent = 0

        def get(name: str, path: str, **params: Any) -> Any:
            nonlocal sent
            response = http.get(path, params=params)
            assert response.status_code == 200, response.text
            index[name] = sent
            sent += 1
            return response.json()

        pages, token = [], None
        while token is not None or not pages:
            extra = {"pageToken": token} if token else {}
            pages.append(get(f"list{len(pages) + 1}", SESSIONS, perPage=20, **WINDOW, **extra))
            token = pages[-1]["paging"].get("nextPageToken")
        assert len(pages) >= 3
        candidates = [
            (record["uniqueParticipantCount"], page, number)
            for page, body in enumerate(pages)
            for number, record in enumerate(body["records"])
            if record["status"] == "Finished" and "recording" in record
        ]
        _, page, number = max(candidates)
        session = pages[page]["records"][number]
        webinar_id, session_id = session["webinar"]["id"], session["id"]
        base = f"/webinar/history/v1/webinars/{webinar_id}"
        get("webinar", base)
        get("session", f"{base}/sessions/{session_id}")
        first = get("participants", f"{base}/sessions/{session_id}/participants", perPage=100)
        get(
            "participants2",
            f"{base}/sessions/{session_id}/participants",
            perPage=100,
            pageToken=first["paging"]["nextPageToken"],
        )
        get("registrants", f"/webinar/registration/v1/sessions/{session_id}/registrants")
        get(
            "recordings",
            RECORDINGS,
            perPage=10,
            creationTimeFrom="2020-01-01T00:00:00.000Z",
            creationTimeTo="2027-01-01T00:00:00.000+01:00",
        )
        # Recorded last: a refusal (404); the token POST above is not recorded.
        assert http.get(f"{base}/sessions/999999999").status_code == 404
    return Recorded(
        recorder.fixture(), index, (index[f"list{page + 1}"], number), webinar_id, session_id, sent
    )


def leaves(node: Any, key: str | None = None, where: tuple[Any, ...] = ()) -> Iterator[Any]:
    """(place, key, value) of every scalar in a JSON value; a list's items carry its key."""
    if isinstance(node, dict):
        for name, item in node.items():
            yield from leaves(item, name, (*where, name))
    elif isinstance(node, list):
        for number, item in enumerate(node):
            yield from leaves(item, key, (*where, number))
    else:
        yield where, key, node


def id_like(key: str | None) -> bool:
    return key is not None and (key == "id" or key.endswith(("Id", "ID")))


def path_parameters(answer: Answer) -> dict[str, str]:
    operation = operation_for(answer.method, answer.path)
    assert operation is not None, answer.path
    return operation.path_parameters(answer.path)


def originals(fixture: Fixture) -> dict[str, set[str]]:
    """The identifying values of the recording, by kind."""
    found: dict[str, set[str]] = {
        kind: set() for kind in ("id", "name", "email", "url", "path", "token")
    }
    for answer in fixture.answers:
        found["path"].update(path_parameters(answer).values())
        found["token"].update(value for name, value in answer.query if name == "pageToken")
        for _, key, value in leaves(answer.body):
            if not isinstance(value, str) or not value:
                continue
            if key in ("nextPageToken", "pageToken"):
                found["token"].add(value)
            elif value.startswith(("http://", "https://")):
                found["url"].add(value)
            elif key == "email":
                found["email"].add(value)
            elif id_like(key):
                found["id"].add(value)
            elif key in NAME_KEYS:
                found["name"].add(value)
    return found


def leaked(values: set[str], text: str) -> list[str]:
    """The ``values`` that occur in the JSON ``text`` (escaped as JSON, case-folded). A value
    shorter than six characters ("Ada", "Xu") counts only standing alone: inside a replacement's
    hex or token it would be chance, not a leak."""
    text = text.casefold()
    found = []
    for value in sorted(values):
        folded = json.dumps(value, ensure_ascii=False)[1:-1].casefold()
        if len(folded) >= 6:
            hit = folded in text
        else:
            hit = re.search(rf"(?<![0-9a-z]){re.escape(folded)}(?![0-9a-z])", text) is not None
        if hit:
            found.append(value)
    return found


def pairs(before: Fixture, after: Fixture) -> Iterator[tuple[Any, Any, Any, Any]]:
    """(key, original, replacement, place) of every scalar of the bodies, in step; the two must
    have the same structure."""
    assert len(before.answers) == len(after.answers)
    for number, (old, new) in enumerate(zip(before.answers, after.answers, strict=True)):
        old_leaves, new_leaves = list(leaves(old.body)), list(leaves(new.body))
        assert [w for w, _, _ in old_leaves] == [w for w, _, _ in new_leaves]
        for (where, key, a), (_, _, b) in zip(old_leaves, new_leaves, strict=True):
            yield key, a, b, (number, *where)


def test_the_recorder_keeps_only_webinar_gets_with_json(recorded: Recorded) -> None:
    answers = recorded.fixture.answers
    assert len(answers) == recorded.answers_sent + 1  # not the token POST; the 404 too
    assert all(a.method == "GET" and a.path.startswith("/webinar/") for a in answers)
    assert [a.status for a in answers] == [200] * recorded.answers_sent + [404]
    assert answers[recorded.index["list1"]].query == (
        ("perPage", "20"),
        ("endTimeFrom", WINDOW["endTimeFrom"]),
        ("endTimeTo", WINDOW["endTimeTo"]),
    )
    recorder = FixtureRecorder()
    url = f"{BASE}/webinar/history/v1/sessions"
    recorder.observe(httpx.Response(200, content=b"<html>", request=httpx.Request("GET", url)))
    recorder.observe(httpx.Response(500, json={}, request=httpx.Request("GET", url)))
    recorder.observe(httpx.Response(401, json={}, request=httpx.Request("GET", url)))
    recorder.observe(httpx.Response(429, json={}, request=httpx.Request("GET", url)))
    recorder.observe(httpx.Response(200, json={}, request=httpx.Request("POST", url)))
    recorder.observe(
        httpx.Response(200, json={}, request=httpx.Request("GET", f"{BASE}/restapi/v1.0/x"))
    )
    recorder.observe(httpx.Response(200, json={}))  # no request
    assert recorder.fixture() == Fixture(())
    recorder.observe(httpx.Response(201, json=[1], request=httpx.Request("GET", f"{url}?a=1&a=2")))
    assert recorder.fixture() == Fixture(
        (Answer("GET", "/webinar/history/v1/sessions", (("a", "1"), ("a", "2")), 201, [1]),)
    )


def test_no_original_value_survives(recorded: Recorded, tmp_path: Path) -> None:
    found = originals(recorded.fixture)
    emails = found["email"]
    assert len(emails) > 20, "too few people for the test to mean much"
    for kind, values in found.items():
        assert values, f"the recording holds no {kind} values: the test would pass vacuously"
    assert len(found["token"]) >= 3
    assert {recorded.session_id, recorded.webinar_id} <= found["path"]
    every = set().union(*found.values())
    personal = recorded.fixture.save(tmp_path / "personal", allow_personal=True)
    shown = leaked(every, personal.read_text(encoding="utf-8"))
    assert shown == sorted(every), "the check would not see some values"

    path = anonymise(recorded.fixture, salt=SALT, shift=SHIFT).save(tmp_path / "safe")
    assert leaked(every, path.read_text(encoding="utf-8")) == []


def test_replacements_are_consistent(recorded: Recorded) -> None:
    before = recorded.fixture
    after = anonymise(before, salt=SALT, shift=SHIFT)
    index = recorded.index
    list_at, number = recorded.session_at
    session = after.answers[list_at].body["records"][number]
    for name in ("session", "participants", "participants2"):
        parameters = path_parameters(after.answers[index[name]])
        assert parameters == {"webinarId": session["webinar"]["id"], "sessionId": session["id"]}
    assert session["id"] != recorded.session_id
    assert after.answers[index["session"]].body["id"] == session["id"]
    registrants = after.answers[index["registrants"]]
    assert path_parameters(registrants) == {"sessionId": session["id"]}

    # A page token given in one answer is the one the next request sends.
    for first, second in (
        ("list1", "list2"),
        ("list2", "list3"),
        ("participants", "participants2"),
    ):
        token = after.answers[index[first]].body["paging"]["nextPageToken"]
        assert ("pageToken", token) in after.answers[index[second]].query
        assert token != before.answers[index[first]].body["paging"]["nextPageToken"]

    # One value, one replacement: an e-mail, a name, an id, wherever it appears.
    replacements: dict[tuple[str, str], set[Any]] = {}
    for key, old, new, _ in pairs(before, after):
        if key in ("email", "firstName", "lastName", "title") or id_like(key):
            replacements.setdefault((key, old), set()).add(new)
    assert all(len(news) == 1 for news in replacements.values())
    emails = [old for (key, old), _ in replacements.items() if key == "email"]
    counted = [
        old for key, old, _, _ in pairs(before, after) if key == "email" and old in emails[:50]
    ]
    assert any(counted.count(email) > 1 for email in counted), "no e-mail appears twice"
    ids = {old: new for (key, old), news in replacements.items() if id_like(key) for new in news}
    assert ids[recorded.session_id] == session["id"]  # the id field of the session records
    participant = after.answers[index["participants"]].body["records"][2]
    registrant = next(
        r for r in registrants.body["records"] if r.get("participantId") == participant["id"]
    )
    assert registrant["email"] == participant["email"]
    assert re.fullmatch(r"user-[0-9a-f]{8}@example\.com", registrant["email"])
    assert len(set(ids.values())) == len(ids), "two ids got the same replacement"


def test_the_shape_is_kept(recorded: Recorded) -> None:
    answers = list(recorded.fixture.answers)
    list_at, number = recorded.session_at
    body = copy.deepcopy(answers[list_at].body)
    body["records"][number].update(
        {"runtimeStatus": "Rehearsal", "foo": "secret text", "legacyId": 40123}
    )
    answers[list_at] = replace(answers[list_at], body=body)
    before = Fixture(tuple(answers))
    after = anonymise(before, salt=SALT, shift=SHIFT)
    assert after.anonymised
    assert not before.anonymised

    times = enums = replaced = 0
    for key, old, new, where in pairs(before, after):
        assert type(old) is type(new), where
        if key in ENUM_KEYS | SETTING_KEYS:
            assert new == old, where
            enums += 1
        elif isinstance(old, str) and ISO.fullmatch(old):
            assert ISO.fullmatch(new), new
            assert datetime.fromisoformat(new) - datetime.fromisoformat(old) == SHIFT
            assert (len(new), new[-1], new.count(".")) == (len(old), old[-1], old.count("."))
            times += 1
        elif isinstance(old, bool | float) or old is None:
            assert new == old, where
        elif isinstance(old, int):
            assert (new != old) == id_like(key), where
        elif isinstance(old, str) and old:
            assert new != old, where
            replaced += 1
    assert times > 1000
    assert enums > 500
    assert replaced > 1000

    record = after.answers[list_at].body["records"][number]
    assert record["runtimeStatus"] == "Rehearsal"
    assert re.fullmatch(r"foo-[0-9a-f]{8}", record["foo"])
    assert record["legacyId"] != 40123
    assert len(str(record["legacyId"])) == 5
    query = dict(after.answers[recorded.index["recordings"]].query)
    assert query["creationTimeFrom"] == "2019-11-13T00:00:00.000Z"
    assert query["creationTimeTo"] == "2026-11-13T00:00:00.000+01:00"
    assert query["perPage"] == "10"


def test_a_fixture_survives_a_round_trip(recorded: Recorded, tmp_path: Path) -> None:
    fixture = anonymise(recorded.fixture, salt=SALT, shift=SHIFT)
    path = fixture.save(tmp_path / "new" / "dir")
    assert path == tmp_path / "new" / "dir" / FIXTURE_FILE
    assert Fixture.load(path.parent) == fixture
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["anonymised"], len(data["answers"])) == (
        1,
        True,
        len(fixture.answers),
    )
    assert path.read_text(encoding="utf-8").startswith('{\n  "format": 1,\n')


def test_a_personal_fixture_is_written_only_when_allowed(
    recorded: Recorded, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match="not anonymised"):
        recorded.fixture.save(tmp_path)
    assert not (tmp_path / FIXTURE_FILE).exists()
    path = recorded.fixture.save(tmp_path, allow_personal=True)
    assert Fixture.load(tmp_path) == recorded.fixture
    assert "Bearer" not in path.read_text(encoding="utf-8")  # headers are never recorded


def _answer(**change: Any) -> dict[str, Any]:
    good = {"method": "GET", "path": "/webinar/x", "query": [["a", "b"]], "status": 200, "body": {}}
    good.update(change)
    return {key: value for key, value in good.items() if value is not ...}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no answers.json in"),
        ("{\n  \"format\": 1,\n  oops\n}", "not valid JSON: .* line 3, column 3"),
        ("[]", "holds no JSON object"),
        (json.dumps({"format": 2, "anonymised": True, "answers": []}), "format 2"),
        (json.dumps({"anonymised": True, "answers": []}), "no 'format'"),
        (json.dumps({"format": 1, "anonymised": "yes", "answers": []}), "'anonymised' should"),
        (json.dumps({"format": 1, "anonymised": True, "answers": {}}), "'answers' should"),
        (json.dumps({"format": 1, "anonymised": True, "answers": [_answer(status=...)]}),
         "answer 1 has no 'status'"),
        (json.dumps({"format": 1, "anonymised": True, "answers": [_answer(), _answer(body=...)]}),
         "answer 2 has no 'body'"),
        (json.dumps({"format": 1, "anonymised": True, "answers": [_answer(status="200")]}),
         "'status' should be an integer"),
        (json.dumps({"format": 1, "anonymised": True, "answers": [_answer(path=3)]}),
         "'path' should be a string"),
        (json.dumps({"format": 1, "anonymised": True, "answers": [_answer(query=[["a"]])]}),
         "'query' should be a list"),
        (json.dumps({"format": 1, "anonymised": True, "answers": ["GET"]}),
         "answer 1 is not a JSON object"),
    ],
)  # fmt: skip
def test_a_bad_fixture_file_is_named(content: str | None, problem: str, tmp_path: Path) -> None:
    if content is not None:
        (tmp_path / FIXTURE_FILE).write_text(content, encoding="utf-8")
    file = re.escape(str(tmp_path / FIXTURE_FILE))
    with pytest.raises(ConfigurationError, match=f"{file}.*{problem}|{problem}.*{file}"):
        Fixture.load(tmp_path)


def test_a_missing_fixture_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(
        ConfigurationError, match=f"no fixture directory at {re.escape(str(missing))}"
    ):
        Fixture.load(missing)
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(
        ConfigurationError, match=f"{re.escape(str(tmp_path / 'file'))} is not a directory"
    ):
        Fixture.load(tmp_path / "file")
    # A directory that does not answer mentions the file it looked for, too.
    with pytest.raises(ConfigurationError, match=re.escape(str(missing / FIXTURE_FILE))):
        Fixture.load(missing)


def test_the_salt_decides_the_replacements(recorded: Recorded) -> None:
    one = anonymise(recorded.fixture, salt=SALT, shift=SHIFT)
    again = anonymise(recorded.fixture, salt=SALT, shift=SHIFT)
    other = anonymise(recorded.fixture, salt=b"another salt", shift=SHIFT)
    assert one == again
    changed = [
        (key, a, b)
        for (key, _, a, _), (_, _, b, _) in zip(
            pairs(recorded.fixture, one), pairs(recorded.fixture, other), strict=True
        )
        if isinstance(a, str) and (key == "email" or id_like(key) or key in NAME_KEYS) and a
    ]
    assert changed
    assert all(a != b for _, a, b in changed)
    assert one.answers[0].path == other.answers[0].path  # a path without parameters


def test_the_default_shift_is_whole_weeks_back(recorded: Recorded) -> None:
    after = anonymise(recorded.fixture)
    shifts = {
        datetime.fromisoformat(new) - datetime.fromisoformat(old)
        for _, old, new, _ in pairs(recorded.fixture, after)
        if isinstance(old, str) and ISO.fullmatch(old)
    }
    assert len(shifts) == 1
    (shift,) = shifts
    assert shift % timedelta(weeks=1) == timedelta(0)
    assert timedelta(weeks=-52) <= shift <= timedelta(weeks=-4)
    with pytest.raises(ValueError, match="whole number of days"):
        anonymise(recorded.fixture, shift=timedelta(hours=1))
