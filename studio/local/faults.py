"""Fault injection for waves-local: misbehave on purpose, so clients can be tested against it.

Grammar (`--fault SPEC`, `LocalServer.set_faults(SPEC)`; "" turns every fault off)::

    SPEC    := RULE ("," RULE)*
    RULE    := KIND ["=" VALUE] ("@" OPTION)*
    OPTION  := nth=N | every=N | rate=P | seed=N | path=PREFIX | retry_after=S | code=NAME

Kinds:

- ``latency=MS`` or ``latency=MS~JITTER``: wait MS (± JITTER, uniform) milliseconds before
  the first byte of a reply (on WebSocket: before the first chunk of a request).
- ``status=CODE``: answer with that HTTP status (any code) and a JSON error body in the shape
  of the route's family; 429 carries ``Retry-After`` (``@retry_after=S``, default 1); a 5xx
  on the clone routes carries ``error_code`` NAME (``@code=voice_clone_timeout``). On the
  WebSocket the request gets an error frame ``{"status":"error","message",...,"error":
  {"message","code"}}`` instead.
- ``cut=F`` (0 < F < 1): stop a synthesis reply part-way. ``/waves/v1/tts``: the headers
  promise the full Content-Length, F of the bytes arrive, then the connection closes. SSE:
  F of the audio frames arrive, then the body ends cleanly with no ``done: true`` frame.
  WebSocket: F of the chunk frames, then a close frame (1011) and no ``complete``.
- ``drop``: after the first chunk, close the connection without finishing: the TCP connection
  is aborted on WebSocket (no close frame); HTTP and SSE bodies stop unterminated.
- ``stall=MS``: after the first chunk (first body piece, SSE frame or WebSocket chunk), send
  nothing for MS milliseconds, then go on (for client cancel tests).
- ``ctype=TYPE``: send ``Content-Type: TYPE`` (default ``text/html``) on synthesis replies.
- ``garbage``: before each SSE audio frame, send lines a conforming SSE client must skip:
  a comment, a ``retry:`` field, an unknown field, and an ``event: ping`` event whose data
  is not JSON.

Triggers (default: every matching request): ``@nth=N`` only the Nth, ``@every=N`` every Nth,
``@rate=P`` with probability P from a seeded RNG (``@seed=N``, default 0; the same sequence
of requests always meets the same faults). ``@path=PREFIX`` restricts a rule to paths that
start with PREFIX. Each rule counts the requests that match its path; on a WebSocket each
synthesis request (message) counts, on HTTP each request. Examples::

    status=429@nth=2@retry_after=2
    status=503@rate=0.3@seed=7@path=/waves/v1/tts
    latency=100~50,stall=5000@path=/waves/v1/tts/live
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from studio.core.errors import ValidationError

KINDS = ("latency", "status", "cut", "drop", "stall", "ctype", "garbage")
_OPTIONS = ("nth", "every", "rate", "seed", "path", "retry_after", "code")


@dataclass
class FaultDecision:
    """The faults that apply to one request (all off by default)."""

    latency_s: float = 0.0
    status: int | None = None
    retry_after: int | None = None
    error_code: str | None = None
    cut: float | None = None
    drop: bool = False
    stall_s: float = 0.0
    content_type: str | None = None
    garbage: bool = False


@dataclass
class _Rule:
    kind: str
    value: str
    number: float = 0.0  # the parsed value of latency (base), status, cut and stall
    jitter: float = 0.0  # latency only: the ~spread
    path: str = ""
    nth: int | None = None
    every: int | None = None
    rate: float | None = None
    seed: int = 0
    retry_after: int | None = None
    code: str = ""
    count: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def fires(self, path: str) -> bool:
        if not path.startswith(self.path):
            return False
        self.count += 1
        if self.nth is not None:
            return self.count == self.nth
        if self.every is not None:
            return self.count % self.every == 0
        if self.rate is not None:
            return self.rng.random() < self.rate
        return True


def _fail(rule: str, why: str) -> ValidationError:
    return ValidationError(
        f"Bad fault rule '{rule}': {why}. See the grammar in studio/local/faults.py.", "faults"
    )


def _number(rule: str, text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise _fail(rule, f"'{text}' is not a number") from None
    if value < 0:
        raise _fail(rule, f"'{text}' is negative")
    return value


def _parse_rule(text: str, index: int) -> _Rule:
    head, *options = text.split("@")
    kind, _, value = head.partition("=")
    kind = kind.strip()
    if kind not in KINDS:
        raise _fail(text, f"unknown kind '{kind}' (one of {', '.join(KINDS)})")
    rule = _Rule(kind=kind, value=value.strip())
    if kind == "latency":
        base, _, jitter = rule.value.partition("~")
        rule.number = _number(text, base, float)
        if jitter:
            rule.jitter = _number(text, jitter, float)
    elif kind in ("status", "stall"):
        rule.number = _number(text, rule.value, int if kind == "status" else float)
    elif kind == "cut":
        rule.number = _number(text, rule.value, float)
    if kind == "status" and not 200 <= rule.number <= 599:
        raise _fail(text, "the status must be between 200 and 599 (1xx is not a reply)")
    if kind == "cut" and not 0.0 < rule.number < 1.0:
        raise _fail(text, "the fraction must be between 0 and 1 (exclusive)")
    for option in options:
        name, _, raw = option.partition("=")
        name, raw = name.strip(), raw.strip()
        if name not in _OPTIONS:
            raise _fail(text, f"unknown option '{name}' (one of {', '.join(_OPTIONS)})")
        if name == "path":
            rule.path = raw
        elif name == "code":
            rule.code = raw
        elif name == "rate":
            rule.rate = _number(text, raw, float)
        else:
            setattr(rule, name, int(_number(text, raw, int)))
    if rule.nth == 0 or rule.every == 0:
        raise _fail(text, "nth and every count from 1")
    rule.rng = random.Random(rule.seed * 1000 + index)  # noqa: S311 - reproducible, not secret
    return rule


class FaultPlan:
    """A parsed fault spec with its per-rule request counters. Thread-safe.

    Attributes:
        spec: The text it was parsed from.
    """

    def __init__(self, spec: str = "") -> None:
        self.spec = spec.strip()
        parts = [part.strip() for part in self.spec.split(",") if part.strip()]
        self._rules = [_parse_rule(part, index) for index, part in enumerate(parts)]
        self._lock = threading.Lock()

    def decide(self, path: str) -> FaultDecision:
        """Count one request on `path` and return the faults it meets (first rule per kind)."""
        decision = FaultDecision()
        with self._lock:
            fired = [rule for rule in self._rules if rule.fires(path)]
            for rule in fired:
                self._apply(rule, decision)
        return decision

    def _apply(self, rule: _Rule, decision: FaultDecision) -> None:
        if rule.kind == "latency" and not decision.latency_s:
            spread = rule.jitter
            delay = rule.number + (rule.rng.uniform(-spread, spread) if spread else 0.0)
            decision.latency_s = max(0.0, delay) / 1000.0
        elif rule.kind == "status" and decision.status is None:
            decision.status = int(rule.number)
            if decision.status == 429 or rule.retry_after is not None:
                decision.retry_after = 1 if rule.retry_after is None else rule.retry_after
            decision.error_code = rule.code or None
        elif rule.kind == "cut" and decision.cut is None:
            decision.cut = rule.number
        elif rule.kind == "drop":
            decision.drop = True
        elif rule.kind == "stall" and not decision.stall_s:
            decision.stall_s = rule.number / 1000.0
        elif rule.kind == "ctype" and decision.content_type is None:
            decision.content_type = rule.value or "text/html"
        elif rule.kind == "garbage":
            decision.garbage = True


SSE_GARBAGE = (
    b": waves-local fault injection: ignore this comment\n"
    b"retry: 5000\n"
    b"x-waves-local-unknown-field: ignored\n"
    b"\n"
    b"event: ping\n"
    b"data: this is not JSON\n"
    b"\n"
)
