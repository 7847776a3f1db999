"""``sandbox[:PATH][?option=value&...]``: the base-URL form that names a sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from pulumi_bulknumbers.sandbox.faults import parse_kinds

__all__ = ["DEFAULT_DB", "URL_OPTIONS", "parse_base_url"]

DEFAULT_DB = Path(".bulknumbers") / "sandbox.sqlite3"
URL_OPTIONS: dict[str, Callable[[str], Any]] = {
    "seed": int,
    "processing_seconds": float,
    "job_seconds": float,
    "latency_ms": int,
    "rate_limit": float,
    "fault_rate": float,
    "fault_kinds": parse_kinds,
}


def parse_base_url(base_url: str) -> tuple[str | Path, dict[str, Any]]:
    """The database path and the options a sandbox URL names (ValueError when it names none).

    >>> parse_base_url("sandbox:s.db?fault_rate=0.1&fault_kinds=error,cut_after")
    ('s.db', {'fault_rate': 0.1, 'fault_kinds': ('error', 'cut_after')})
    """
    scheme, _, rest = base_url.partition(":")
    if scheme != "sandbox":
        raise ValueError(f"not a sandbox URL: {base_url!r} (use 'sandbox' or 'sandbox:PATH')")
    path, _, query = rest.partition("?")
    options: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in URL_OPTIONS:
            known = ", ".join(URL_OPTIONS)
            raise ValueError(f"unknown sandbox option {key!r} in {base_url!r}; known: {known}")
        options[key] = URL_OPTIONS[key](value)
    return path or DEFAULT_DB, options
