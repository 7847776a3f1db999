"""The sandbox's call log: one ``Call`` per request answered or cut."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pulumi_bulknumbers.sandbox.faults import MALFORMED, FaultKind

__all__ = ["Call", "count_faults"]


@dataclass(frozen=True)
class Call:
    """One request the sandbox answered (or cut): enough to replay it against the contract."""

    method: str
    path: str
    """The URL path as sent, e.g. ``/v2/phone_numbers/123``."""
    query: dict[str, str]
    status: int | None
    """None when the connection was cut without an answer."""
    request_json: Any
    response_json: Any
    """None when there was no answer, or it was not JSON (see ``response_text``)."""
    fault: FaultKind | None = None
    """The fault that struck this call, if one did."""
    response_text: str | None = None
    """The body of an answer that is deliberately not JSON (``html_502``, ``garbage``)."""

    @classmethod
    def of(
        cls,
        method: str,
        path: str,
        query: dict[str, str],
        content: bytes,
        status: int | None,
        body: Any,
        fault: FaultKind | None,
        raw: bytes | None = None,
    ) -> Call:
        """The record of a request (its raw ``content``) and its answer (``raw`` when the
        answer was not JSON)."""
        try:
            request_json = json.loads(content) if content else None
        except ValueError:
            request_json = content.decode("utf-8", "replace")
        text = raw.decode("utf-8", "replace") if raw is not None else None
        return cls(method, path, query, status, request_json, body, fault, text)

    @property
    def malformed(self) -> bool:
        """Whether the answer was deliberately not valid JSON: no contract to check it against."""
        return self.fault in MALFORMED


def count_faults(calls: Iterable[Call]) -> dict[str, int]:
    """How many of ``calls`` each fault kind struck, by kind name."""
    found = Counter(call.fault for call in calls if call.fault is not None)
    return dict(sorted(found.items()))
