"""Telnyx bulk phone-number orders as a Pulumi resource.

>>> from pulumi_bulknumbers import BulkNumberOrder, OrderingGroupArgs
"""

from pulumi_bulknumbers._version import __version__
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
from pulumi_bulknumbers.provider import BulkNumberOrderProvider
from pulumi_bulknumbers.resource import BulkNumberOrder, OrderingGroupArgs, PhoneNumberPatternArgs
from pulumi_bulknumbers.transport import RetryPolicy, RetryTransport

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
