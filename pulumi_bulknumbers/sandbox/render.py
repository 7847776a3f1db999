"""Small rendering helpers shared by the backend modules."""

from __future__ import annotations

import math
from typing import Any

from pulumi_bulknumbers.sandbox.clock import isoformat

__all__ = ["compact", "isoformat", "pagination_meta"]


def pagination_meta(total: int, number: int, size: int) -> dict[str, int]:
    """Telnyx's ``PaginationMeta`` for ``total`` results at page ``number`` of ``size``."""
    return {
        "page_number": number,
        "page_size": size,
        "total_pages": math.ceil(total / size),
        "total_results": total,
    }


def compact(body: dict[str, Any]) -> dict[str, Any]:
    """The object without its None members (for schema fields typed plain ``string``)."""
    return {key: value for key, value in body.items() if value is not None}
