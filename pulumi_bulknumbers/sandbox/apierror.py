"""Domain errors of the sandbox backend, each carrying its HTTP status and Telnyx error code.

The backend raises ``ApiError``; the HTTP layer renders every one the same way, as Telnyx's
envelope ``{"errors": [{"code", "title", "detail", "source", "meta"}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiError", "ErrorItem"]

_DOCS = "https://developers.telnyx.com/docs/overview/errors/"

# Telnyx's titles for the codes the sandbox uses (developers.telnyx.com api-errors).
TITLES = {
    "10004": "Missing required parameter",
    "10005": "Resource not found",
    "10006": "Invalid ID",
    "10007": "Unexpected error",
    "10009": "Authentication failed",
    "10011": "Too many requests",
    "10015": "Bad Request",
}


@dataclass(frozen=True)
class ErrorItem:
    """One entry of Telnyx's ``errors[]``: a string code, a title, a detail, where it points."""

    code: str
    detail: str
    title: str = ""
    pointer: str | None = None
    parameter: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as Telnyx renders it (``source`` only when it points somewhere)."""
        body: dict[str, Any] = {
            "code": self.code,
            "title": self.title or TITLES.get(self.code, "Bad Request"),
            "detail": self.detail,
            "meta": {"url": _DOCS + self.code},
        }
        source: dict[str, str] = {}
        if self.pointer is not None:
            source["pointer"] = self.pointer
        if self.parameter is not None:
            source["parameter"] = self.parameter
        if source:
            body["source"] = source
        return body


@dataclass
class ApiError(Exception):
    """An error answer: HTTP ``status`` and one or more Telnyx error items.

    >>> ApiError.of(422, "10015", "count_requested must be >= 1",
    ...             pointer="/ordering_groups/0/count_requested").status
    422
    """

    status: int
    items: list[ErrorItem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.status, [item.detail for item in self.items])

    @classmethod
    def of(
        cls,
        status: int,
        code: str,
        detail: str,
        *,
        title: str = "",
        pointer: str | None = None,
        parameter: str | None = None,
    ) -> ApiError:
        """An error with a single item."""
        return cls(status, [ErrorItem(code, detail, title, pointer, parameter)])

    @classmethod
    def not_found(cls, what: str, ident: str) -> ApiError:
        """404 code 10005 for an id that names nothing."""
        return cls.of(404, "10005", f"{what} {ident!r} could not be found.", pointer="/id")

    def to_json(self) -> dict[str, Any]:
        """The envelope body."""
        return {"errors": [item.to_json() for item in self.items]}
