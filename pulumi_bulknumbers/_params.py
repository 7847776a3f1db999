"""Building requests: path segments, deepObject filters, and "argument not given"."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final
from urllib.parse import quote

from pulumi_bulknumbers.errors import UsageError

__all__ = ["NOT_GIVEN", "NotGiven", "filters", "given", "segment"]


class NotGiven(enum.Enum):
    """Marks an argument that was not passed, as distinct from an explicit `None`."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


def given(**fields: object) -> dict[str, object]:
    """The fields that were actually passed (dropping `NOT_GIVEN`)."""
    return {k: v for k, v in fields.items() if v is not NOT_GIVEN}


def segment(value: str, what: str) -> str:
    """`value` as one URL path segment; an empty or non-string id is a usage error."""
    if not isinstance(value, str) or not value:
        raise UsageError(f"{what} must be a non-empty string, not {value!r}")
    return quote(value, safe="")


def filters(**values: object) -> dict[str, str]:
    """deepObject `filter[...]` query parameters, leaving out `None`.

    Booleans become `true`/`false`, lists are comma-joined, dicts nest (`filter[a][b]`).
    """
    params: dict[str, str] = {}

    def put(key: str, value: object) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for sub, inner in value.items():
                put(f"{key}[{sub}]", inner)
        elif isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            params[key] = ",".join(str(v) for v in value)
        else:
            params[key] = str(value)

    for name, value in values.items():
        put(f"filter[{name}]", value)
    return params
