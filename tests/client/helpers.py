"""Test helpers for the client tests: a fake clock, a scripted transport, response builders."""

from __future__ import annotations

import httpx

API_KEY = "KEYsecret0123456789abcdef"
"""A key distinctive enough that finding it anywhere in output is a real leak."""


Outcome = httpx.Response | Exception


class Script:
    """An httpx handler that plays back responses (or raises exceptions) in order."""

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.outcomes:
            raise AssertionError(f"unscripted request {request.method} {request.url}")
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    @property
    def methods_and_paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def data(payload: object, status: int = 200, **headers: str) -> httpx.Response:
    """A JSON `{"data": ...}` response."""
    return httpx.Response(status, json={"data": payload}, headers=headers)


def telnyx_error(status: int, code: str, title: str, detail: str, **source: str) -> httpx.Response:
    """A Telnyx-shaped error response."""
    error: dict[str, object] = {"code": code, "title": title, "detail": detail}
    if source:
        error["source"] = source
    return httpx.Response(status, json={"errors": [error]})
