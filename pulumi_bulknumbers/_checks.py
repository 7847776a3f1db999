"""The machinery of input checks: one `Failure` per bad field, and helpers shared by the checks.

Values that preview cannot know yet (`pulumi.output.Unknown`) pass every check untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown


@dataclass(frozen=True)
class Failure:
    """One bad input: the property path and what is allowed there."""

    path: str
    reason: str


def is_unknown(value: Any) -> bool:
    """Whether `value` is (or holds) a value that preview cannot know yet."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def listed(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(values)


def whole_number(value: Any) -> int | None:
    """An int from an int or a whole float (numbers cross gRPC as floats); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class Checker:
    """Collects failures while walking the inputs."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def fail(self, path: str, reason: str) -> None:
        self.failures.append(Failure(path, reason))

    def unknown_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in data:
            if key not in allowed and key != "__provider":
                self.fail(f"{prefix}{key}", f"is not a known input; allowed: {listed(allowed)}")

    def enum(self, data: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...]) -> None:
        value = data.get(key)
        if value is None or is_unknown(value):
            return
        if value not in allowed:
            self.fail(path, f"must be one of {listed(allowed)} (got {value!r})")

    def text(self, data: Mapping[str, Any], key: str, path: str, max_len: int = 255) -> None:
        value = data.get(key)
        if value is None or is_unknown(value):
            return
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty string (got {value!r})")
        elif len(value) > max_len:
            self.fail(path, f"must be at most {max_len} characters (got {len(value)})")

    def flag(self, data: Mapping[str, Any], key: str, path: str) -> None:
        value = data.get(key)
        if value is not None and not is_unknown(value) and not isinstance(value, bool):
            self.fail(path, f"must be true or false (got {value!r})")
