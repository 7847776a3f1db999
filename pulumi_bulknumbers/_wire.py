"""Model base classes shared by every wire model, and Telnyx's error entry."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["Received", "Sent", "TelnyxErrorDetail"]


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
