"""Pronunciation dictionaries (§7): CRUD, zod-style errors, rules applied, persistence."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from studio.local.dictionaries import apply_rules
from studio.local.server import LocalServer
from tests.local.helpers import AUTH, TIMEOUT, tts

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _call(server: LocalServer, method: str, body: Any = None, **kwargs: Any) -> requests.Response:
    return requests.request(
        method,
        f"{server.base_url}/waves/v1/pronunciation-dicts",
        json=body,
        headers=kwargs.pop("headers", AUTH),
        timeout=TIMEOUT,
        **kwargs,
    )


def _create(server: LocalServer, word: str, pronunciation: str) -> dict[str, Any]:
    reply = _call(server, "POST", {"items": [{"word": word, "pronunciation": pronunciation}]})
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


def test_create_list_update_delete(waves_local: LocalServer) -> None:
    """The four methods with the documented bodies and answers."""
    created = _create(waves_local, "mysql", "my-sequel")
    assert re.fullmatch(r"[0-9a-f]{24}", created["id"])
    assert ISO_MS_Z.match(created["createdAt"])
    assert created["items"] == [{"word": "mysql", "pronunciation": "my-sequel"}]

    listed = _call(waves_local, "GET").json()
    assert isinstance(listed, list)
    assert created in listed

    items = [{"word": "API", "pronunciation": "ay-pee-eye"}]
    updated = _call(waves_local, "PUT", {"id": created["id"], "items": items})
    assert updated.json() == {"id": created["id"], "items": items}

    deleted = _call(waves_local, "DELETE", {"id": created["id"]})
    assert deleted.json() == {"id": created["id"], "deleted": True}
    assert created["id"] not in [d["id"] for d in _call(waves_local, "GET").json()]


def _issue(path: list[Any], message: str, code: str = "invalid_type") -> dict[str, Any]:
    return {"path": path, "message": message, "code": code}


@pytest.mark.parametrize(
    ("method", "body", "expected"),
    [
        ("POST", {}, _issue(["items"], "Required")),
        ("POST", {"items": "x"}, _issue(["items"], "Expected array, received string")),
        (
            "POST",
            {"items": []},
            _issue(["items"], "Array must contain at least 1 element(s)", "too_small"),
        ),
        ("POST", {"items": [{"pronunciation": "p"}]}, _issue(["items", 0, "word"], "Required")),
        (
            "POST",
            {"items": [{"word": 5, "pronunciation": "p"}]},
            _issue(["items", 0, "word"], "Expected string, received number"),
        ),
        (
            "POST",
            {"items": [{"word": "w", "pronunciation": ""}]},
            _issue(
                ["items", 0, "pronunciation"],
                "String must contain at least 1 character(s)",
                "too_small",
            ),
        ),
        ("PUT", {"items": [{"word": "w", "pronunciation": "p"}]}, _issue(["id"], "Required")),
        ("DELETE", {}, _issue(["id"], "Required")),
        (
            "DELETE",
            {"id": "not-an-object-id"},
            _issue(["id"], "Invalid id: expected 24 hexadecimal characters", "invalid_string"),
        ),
    ],
)
def test_invalid_bodies_get_zod_style_details(
    waves_local: LocalServer, method: str, body: Any, expected: dict[str, Any]
) -> None:
    """400 `{"error": "Invalid request body", "details": [...]}` pointing at the bad field."""
    reply = _call(waves_local, method, body)
    assert reply.status_code == 400
    answer = reply.json()
    assert answer["error"] == "Invalid request body"
    issue = answer["details"][0]
    assert {key: issue[key] for key in expected} == expected


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_an_unknown_id_is_404(waves_local: LocalServer, method: str) -> None:
    """PUT or DELETE of an id that does not exist: 404 with the dictionary error shape."""
    body = {"id": "0123456789abcdef01234567", "items": [{"word": "a", "pronunciation": "b"}]}
    reply = _call(waves_local, method, body)
    assert reply.status_code == 404
    assert reply.json() == {"error": "Pronunciation dictionary 0123456789abcdef01234567 not found"}


def test_malformed_json_and_missing_key(waves_local: LocalServer) -> None:
    """Broken JSON is 400 `{"error"}`; no key is 401 `{"error": "Unauthorized"}`."""
    broken = requests.post(
        f"{waves_local.base_url}/waves/v1/pronunciation-dicts",
        data=b"{",
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert broken.status_code == 400
    assert set(broken.json()) == {"error"}
    assert _call(waves_local, "GET", headers={}).json() == {"error": "Unauthorized"}
    assert _call(waves_local, "GET", headers={}).status_code == 401


def test_rules_are_case_sensitive_and_match_whole_words() -> None:
    """A rule for SQL leaves MySQL and sql alone; the longest word wins; no rule re-fires."""
    rules = [("SQL", "sequel"), ("SQL Server", "sequel server"), ("sequel", "LOOP")]
    assert apply_rules("SQL, MySQL, sql and SQL.", rules) == "sequel, MySQL, sql and sequel."
    assert apply_rules("I run SQL Server", rules) == "I run sequel server"
    assert apply_rules("C++ and C", [("C++", "see plus plus")]) == "see plus plus and C"


def test_a_rule_changes_the_audio_offline(waves_local: LocalServer) -> None:
    """With the dictionary, 'I like SQL' sounds exactly like 'I like sequel'."""
    created = _create(waves_local, "SQL", "sequel")
    plain = tts(waves_local, text="I like SQL.").content
    ruled = tts(waves_local, text="I like SQL.", pronunciation_dicts=[created["id"]]).content
    assert ruled != plain
    assert ruled == tts(waves_local, text="I like sequel.").content
    untouched = tts(waves_local, text="I like MySQL.", pronunciation_dicts=[created["id"]]).content
    assert untouched == tts(waves_local, text="I like MySQL.").content


def test_dictionaries_and_clones_survive_a_restart(
    make_waves_local: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """Stop the server, start another on the same data folder: both are still there."""
    data_dir = tmp_path / "shared"
    first = make_waves_local(data_dir=data_dir)
    created = _create(first, "SQL", "sequel")
    clone = requests.post(
        f"{first.base_url}/waves/v1/voice-cloning",
        data={"displayName": "Me", "language": "en"},
        files={"file": ("me.wav", b"RIFF....WAVEfmt ", "audio/wav")},
        headers=AUTH,
        timeout=TIMEOUT,
    ).json()["data"]
    first.stop()

    second = make_waves_local(data_dir=data_dir)
    assert _call(second, "GET").json() == [created]
    clones = requests.get(
        f"{second.base_url}/waves/v1/voice-cloning", headers=AUTH, timeout=TIMEOUT
    )
    assert [c["voiceId"] for c in clones.json()["data"]] == [clone["voiceId"]]
    spoken = tts(
        second, text="SQL.", voice_id=clone["voiceId"], pronunciation_dicts=[created["id"]]
    )
    assert spoken.status_code == 200
    assert json.loads((data_dir / "pronunciation_dicts.json").read_text()) == [created]
    leftovers = [
        p for p in data_dir.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")
    ]  # the lock files are meant to stay
    assert not leftovers  # no temp files left


def test_a_corrupt_store_is_kept_aside_and_the_server_starts(
    make_waves_local: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """An unreadable dictionary file is renamed, not deleted, and the server starts empty."""
    data_dir = tmp_path / "corrupt"
    data_dir.mkdir()
    (data_dir / "pronunciation_dicts.json").write_text("{not json")
    server = make_waves_local(data_dir=data_dir)
    assert _call(server, "GET").json() == []
    kept = list(data_dir.glob("pronunciation_dicts.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"


def test_two_servers_on_one_data_folder_keep_each_others_dictionaries(
    make_waves_local, tmp_path
) -> None:
    """Two app windows embed two servers on one folder: neither loses the other's dictionary."""
    import requests

    from tests.local.helpers import AUTH

    shared = tmp_path / "shared-data"
    first, second = make_waves_local(data_dir=shared), make_waves_local(data_dir=shared)
    url = "/waves/v1/pronunciation-dicts"
    one = requests.post(
        f"{first.base_url}{url}",
        json={"items": [{"word": "A", "pronunciation": "ay"}]},
        headers=AUTH,
        timeout=10,
    ).json()
    two = requests.post(
        f"{second.base_url}{url}",
        json={"items": [{"word": "B", "pronunciation": "bee"}]},
        headers=AUTH,
        timeout=10,
    ).json()
    for server in (first, second):
        listed = requests.get(f"{server.base_url}{url}", headers=AUTH, timeout=10).json()
        assert {d["id"] for d in listed} == {one["id"], two["id"]}
    on_disk = json.loads((shared / "pronunciation_dicts.json").read_text())
    assert {d["id"] for d in on_disk} == {one["id"], two["id"]}


def test_a_file_of_the_wrong_shape_is_moved_aside_not_overwritten(
    make_waves_local, tmp_path
) -> None:
    """Valid JSON that is not a list is kept (moved aside), never replaced by the next save."""
    import requests

    from tests.local.helpers import AUTH

    data = tmp_path / "odd"
    data.mkdir()
    (data / "pronunciation_dicts.json").write_text('{"dicts": ["from a newer version"]}')
    server = make_waves_local(data_dir=data)
    requests.post(
        f"{server.base_url}/waves/v1/pronunciation-dicts",
        json={"items": [{"word": "A", "pronunciation": "ay"}]},
        headers=AUTH,
        timeout=10,
    )
    aside = list(data.glob("pronunciation_dicts.json.corrupt-*"))
    assert aside and "newer version" in aside[0].read_text()


def test_a_failed_save_leaves_nothing_behind(make_waves_local, tmp_path) -> None:
    """When the file cannot be written, the create fails and the dictionary does not exist."""
    import shutil

    import requests

    from tests.local.helpers import AUTH

    data = tmp_path / "broken"
    server = make_waves_local(data_dir=data)
    shutil.rmtree(data, ignore_errors=True)
    data.write_text("a file where the data folder was")  # nothing can be written in it now
    url = f"{server.base_url}/waves/v1/pronunciation-dicts"
    created = requests.post(
        url, json={"items": [{"word": "A", "pronunciation": "ay"}]}, headers=AUTH, timeout=10
    )
    assert created.status_code == 500
    assert requests.get(url, headers=AUTH, timeout=10).json() == []
