"""Check recorded sandbox answers against Telnyx's OpenAPI spec (the shared contract).

``validate_call(call)`` validates one answer's JSON body against the response schema the spec
declares for its method, path template and status (``$ref`` responses and ``4XX`` keys
resolved; OpenAPI 3.1 schemas are JSON Schema 2020-12, with ``date-time`` and ``uuid`` formats
checked). Error statuses a path does not declare (401, 404 for unknown routes, 405, 429, 500
from faults) are platform-wide in Telnyx's docs and must still be ``numbers_Errors``; an
undeclared success status is a contract failure.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import jsonschema
import yaml

__all__ = ["SPEC_PATH", "assert_calls_match_spec", "spec", "validate_call"]

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared/reference/telnyx-numbers-openapi.yml"
API_PREFIX = "/v2"


class CallLike(Protocol):
    """What a recorded call must offer (``pulumi_bulknumbers.sandbox.Call`` does)."""

    method: str
    path: str
    status: int | None
    response_json: Any


@functools.cache
def spec() -> dict[str, Any]:
    """The parsed spec."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    # Literal segments win over parameters: /phone_numbers/jobs before /phone_numbers/{id}.
    paths = sorted(spec()["paths"], key=lambda p: (p.count("{"), -len(p)))
    return [(re.compile(re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p) for p in paths]


_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return not isinstance(value, str)
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """The JSON schema an answer must satisfy (``path`` as requested, with ``/v2``)."""
    errors = {"$ref": "#/components/schemas/numbers_Errors"}
    relative = path.removeprefix(API_PREFIX)
    template = next((t for pattern, t in _templates() if pattern.match(relative)), None)
    operation = spec()["paths"][template].get(method.lower()) if template else None
    if operation is None:
        assert status >= 400, f"{method} {path} answered {status} but the spec has no such route"
        return errors
    responses = operation["responses"]
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if declared is None:
        assert status >= 400, f"{method} {template}: status {status} is not declared"
        return errors
    content = _deref(declared).get("content", {}).get("application/json", {})
    schema: dict[str, Any] = content.get("schema", {})
    return schema


def validate_call(call: CallLike) -> None:
    """Raise ``AssertionError`` when a recorded answer breaks the spec (cut calls, and answers a
    fault made deliberately malformed, such as an HTML 502 page, pass)."""
    if call.status is None or getattr(call, "malformed", False):
        return
    schema = response_schema(call.method, call.path, call.status)
    # Refs are '#/components/...': resolve them against a root that carries the components.
    rooted = {**schema, "components": spec()["components"]}
    validator = jsonschema.Draft202012Validator(rooted, format_checker=_FORMATS)
    problems = sorted(validator.iter_errors(call.response_json), key=lambda e: list(e.path))
    if problems:
        where = "/".join(str(p) for p in problems[0].absolute_path)
        raise AssertionError(
            f"{call.method} {call.path} -> {call.status}: {len(problems)} schema violation(s); "
            f"first at /{where}: {problems[0].message}"
        )


def assert_calls_match_spec(calls: list[Any]) -> None:
    """Validate every call, reporting all that fail."""
    failures = []
    for call in calls:
        try:
            validate_call(call)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "answers that break the spec:\n" + "\n".join(failures)
