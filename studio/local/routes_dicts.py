"""`/waves/v1/pronunciation-dicts`: GET (bare array), POST, PUT and DELETE with JSON bodies (§7).

Errors use this family's shape: `{"error": "...", "details": [zod-style issues]}`. An id that
does not exist on PUT or DELETE (UNCONFIRMED in the contract, §14.15) gets 404
`{"error": "Pronunciation dictionary <id> not found"}`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from studio.core import contract as c
from studio.local.jsonbody import BodyError, check_speakable
from studio.local.route_support import authorized_state, read_json_body, server_state
from studio.local.wire import WireError, dict_error

router = APIRouter()
PATH = "/waves/v1/pronunciation-dicts"
INVALID_BODY = "Invalid request body"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _issue_type(path: list[str | int], expected: str, value: Any, present: bool) -> dict[str, Any]:
    received = _type_name(value) if present else "undefined"
    message = "Required" if not present else f"Expected {expected}, received {received}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": path,
        "message": message,
    }


def _issue_small(path: list[str | int], kind: str) -> dict[str, Any]:
    noun = "element(s)" if kind == "array" else "character(s)"
    return {
        "code": "too_small",
        "minimum": 1,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "path": path,
        "message": f"{'Array' if kind == 'array' else 'String'} must contain at least 1 {noun}",
    }


def _items_issues(body: dict[str, Any]) -> list[dict[str, Any]]:
    if "items" not in body or not isinstance(body["items"], list):
        return [_issue_type(["items"], "array", body.get("items"), "items" in body)]
    items = body["items"]
    if not items:
        return [_issue_small(["items"], "array")]
    issues = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            issues.append(_issue_type(["items", index], "object", item, True))
            continue
        for key in ("word", "pronunciation"):
            value = item.get(key)
            if not isinstance(value, str):
                issues.append(_issue_type(["items", index, key], "string", value, key in item))
            elif not value.strip():
                issues.append(_issue_small(["items", index, key], "string"))
            else:
                issues.extend(_speakable_issues(["items", index, key], value))
    return issues


def _speakable_issues(path: list[str | int], value: str) -> list[dict[str, Any]]:
    """A word or pronunciation ends up in the engines' text: no control characters."""
    try:
        check_speakable(value, ".".join(map(str, path)))
    except BodyError as exc:
        return [{"code": "custom", "path": path, "message": str(exc)}]
    return []


def _id_issues(body: dict[str, Any]) -> list[dict[str, Any]]:
    value = body.get("id")
    if not isinstance(value, str):
        return [_issue_type(["id"], "string", value, "id" in body)]
    if not c.DICT_ID_PATTERN.match(value):
        return [
            {
                "code": "invalid_string",
                "validation": "regex",
                "path": ["id"],
                "message": "Invalid id: expected 24 hexadecimal characters",
            }
        ]
    return []


async def _body(request: Request, with_id: bool, with_items: bool) -> dict[str, Any]:
    authorized_state(request)
    body = await read_json_body(request, error=lambda message: dict_error(400, message))
    if not isinstance(body, dict):
        raise dict_error(400, INVALID_BODY, [_issue_type([], "object", body, True)])
    issues = (_id_issues(body) if with_id else []) + (_items_issues(body) if with_items else [])
    if issues:
        raise dict_error(400, INVALID_BODY, issues)
    return body


def _clean_items(body: dict[str, Any]) -> list[dict[str, str]]:
    """Keep only `word` and `pronunciation` of each item."""
    return [{"word": i["word"], "pronunciation": i["pronunciation"]} for i in body["items"]]


def _not_found(dict_id: str) -> WireError:
    return dict_error(404, f"Pronunciation dictionary {dict_id} not found")


@router.get(PATH)
async def list_dicts(request: Request) -> list[dict[str, Any]]:
    """Every dictionary, as a bare JSON array."""
    state = authorized_state(request)
    return await asyncio.to_thread(state.dictionaries.all)


@router.post(PATH)
async def create_dict(request: Request) -> dict[str, Any]:
    """A new dictionary with a fresh 24-hex id and createdAt."""
    body = await _body(request, with_id=False, with_items=True)
    # Saving fsyncs the file: off the event loop, so streams keep flowing meanwhile.
    return await asyncio.to_thread(server_state(request).dictionaries.create, _clean_items(body))


@router.put(PATH)
async def update_dict(request: Request) -> dict[str, Any]:
    """Replace the items of an existing dictionary (`{"id", "items"}`, no createdAt)."""
    body = await _body(request, with_id=True, with_items=True)
    store = server_state(request).dictionaries
    updated = await asyncio.to_thread(store.update, body["id"], _clean_items(body))
    if updated is None:
        raise _not_found(body["id"])
    return updated


@router.delete(PATH)
async def delete_dict(request: Request) -> dict[str, Any]:
    """Delete by the id in the JSON body."""
    body = await _body(request, with_id=True, with_items=False)
    if not await asyncio.to_thread(server_state(request).dictionaries.delete, body["id"]):
        raise _not_found(body["id"])
    return {"id": body["id"], "deleted": True}
