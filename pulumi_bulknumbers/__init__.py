"""Telnyx bulk phone-number orders as a Pulumi resource.

>>> from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
"""

from typing import TYPE_CHECKING, Any

from pulumi_bulknumbers._version import __version__
from pulumi_bulknumbers.provider import BulkNumberOrderProvider
from pulumi_bulknumbers.resource import BulkNumberOrder, OrderingGroupArgs, PhoneNumberPatternArgs

if TYPE_CHECKING:
    from pulumi_bulknumbers.client import BulkNumbersClient, Page
    from pulumi_bulknumbers.errors import (
        APIError,
        AuthenticationError,
        BadRequestError,
        BulkNumbersError,
        ConflictError,
        NotFoundError,
        OrderFailedError,
        PermissionDeniedError,
        RateLimitError,
        ReleaseError,
        ServerError,
        SettingsError,
        TransportError,
        UnexpectedResponseError,
        UnprocessableEntityError,
        UsageError,
    )
    from pulumi_bulknumbers.transport import RetryPolicy, RetryTransport

# The client side (httpx, pydantic models, errors) loads on first use: a program that only
# declares pools, and the provider at preview, never pay its import time.
_LAZY = {
    "BulkNumbersClient": "client",
    "Page": "client",
    "RetryPolicy": "transport",
    "RetryTransport": "transport",
    **dict.fromkeys(
        (
            "APIError",
            "AuthenticationError",
            "BadRequestError",
            "BulkNumbersError",
            "ConflictError",
            "NotFoundError",
            "OrderFailedError",
            "PermissionDeniedError",
            "RateLimitError",
            "ReleaseError",
            "ServerError",
            "SettingsError",
            "TransportError",
            "UnexpectedResponseError",
            "UnprocessableEntityError",
            "UsageError",
        ),
        "errors",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_bulknumbers' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"pulumi_bulknumbers.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "BulkNumberOrder",
    "BulkNumberOrderProvider",
    "BulkNumbersClient",
    "BulkNumbersError",
    "ConflictError",
    "NotFoundError",
    "OrderFailedError",
    "OrderingGroupArgs",
    "Page",
    "PermissionDeniedError",
    "PhoneNumberPatternArgs",
    "RateLimitError",
    "ReleaseError",
    "RetryPolicy",
    "RetryTransport",
    "ServerError",
    "SettingsError",
    "TransportError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UsageError",
    "__version__",
]
