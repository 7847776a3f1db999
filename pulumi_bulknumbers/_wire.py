"""Model base classes shared by every wire model, Telnyx's error entry, and answer checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["Check", "Received", "Sent", "TelnyxErrorDetail", "echoes"]

M = TypeVar("M", bound=BaseModel)
Check = Callable[[M], str | None]
"""What is wrong with a parsed answer (a sentence for the error), or None when it is sound."""


def echoes(expected: str, field: str = "id") -> Check[Any]:
    """A check that the answer is the resource asked for (ids compared case-insensitively)."""

    def check(item: Any) -> str | None:
        got = getattr(item, field, None)
        if isinstance(got, str) and got.lower() == expected.lower():
            return None
        return f"asked for {type(item).__name__} {expected!r} but the answer is {got!r}"

    return check


class Sent(BaseModel):
    """Base of what we send: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Received(BaseModel):
    """Base of what we receive: immutable, unknown fields ignored, `null` read as absent."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _tolerate(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # Real payloads carry nulls where the schema says string or list: treat them as absent
        # so defaults apply, instead of failing on e.g. `"tags": null`.
        return cls._prepare({k: v for k, v in data.items() if v is not None})

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        """Reshape a received payload before validation (a hook for subclasses)."""
        return data


class TelnyxErrorDetail(Received):
    """One entry of Telnyx's `errors[]`, with `source` and `meta.url` lifted to the top."""

    code: str | None = None
    title: str | None = None
    detail: str | None = None
    pointer: str | None = None
    parameter: str | None = None
    url: str | None = None

    @classmethod
    def _prepare(cls, data: dict[str, Any]) -> dict[str, Any]:
        source, meta = data.pop("source", None), data.pop("meta", None)
        if isinstance(source, dict):
            data.setdefault("pointer", source.get("pointer"))
            data.setdefault("parameter", source.get("parameter"))
        if isinstance(meta, dict):
            data.setdefault("url", meta.get("url"))
        # Codes are strings in the numbers spec but `x-format: integer` in the messaging one.
        if isinstance(data.get("code"), int):
            data["code"] = str(data["code"])
        return {k: v for k, v in data.items() if v is not None}

    def describe(self) -> str:
        """One line: `Telnyx 10015 Bad Request: detail (at /pointer)`."""
        head = " ".join(p for p in ("Telnyx", self.code, self.title) if p)
        text = f"{head}: {self.detail}" if self.detail else head
        where = self.pointer or (f"query parameter {self.parameter}" if self.parameter else None)
        return f"{text} (at {where})" if where else text
