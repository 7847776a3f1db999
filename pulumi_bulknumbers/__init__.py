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
_LAZY_MODULES = ("client", "transport", "errors")


def __getattr__(name: str) -> Any:
    if name in __all__:
        import importlib

        for module in _LAZY_MODULES:
            found = getattr(importlib.import_module(f"pulumi_bulknumbers.{module}"), name, None)
            if found is not None:
                globals()[name] = found
                return found
    raise AttributeError(f"module 'pulumi_bulknumbers' has no attribute {name!r}")


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
