"""Plain-Python results of the provider's gRPC calls, and the errors the stand-in raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "CheckFailureInfo",
    "CheckOutcome",
    "CreateOutcome",
    "DiffOutcome",
    "ProviderError",
    "ProviderStartError",
    "ReadOutcome",
    "RpcCall",
]

DiffChanges = Literal["unknown", "none", "some"]


@dataclass(frozen=True)
class RpcCall:
    """One gRPC call made to the provider: method name, the request message, and its secret keys."""

    method: str
    request: Any
    secret_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckFailureInfo:
    """A ``CheckFailure`` as the provider reported it."""

    property: str
    reason: str


@dataclass(frozen=True)
class CheckOutcome:
    """The checked inputs (``__provider`` included) and the validation failures, in order."""

    inputs: dict[str, Any]
    failures: list[CheckFailureInfo] = field(default_factory=list)


@dataclass(frozen=True)
class DiffOutcome:
    """What ``Diff`` answered; ``changes`` is ``"unknown"`` when ``DiffResult.changes`` was None."""

    changes: DiffChanges
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


@dataclass(frozen=True)
class CreateOutcome:
    """The new resource's id and outputs (``__provider`` included)."""

    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class ReadOutcome:
    """``Read``'s answer: ``id == ""`` means gone; ``inputs`` is None unless the provider set it."""

    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


class ProviderError(Exception):
    """A gRPC call to the provider failed; ``details`` holds the provider's traceback or message."""

    def __init__(self, method: str, code: str, details: str) -> None:
        super().__init__(f"{method} failed ({code}): {details}")
        self.method = method
        self.code = code
        self.details = details


class ProviderStartError(RuntimeError):
    """The provider process did not come up; the message carries its stderr."""
