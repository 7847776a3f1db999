"""What the fault kinds do to an answer (``faults`` decides which request each one hits).

Every detail (which group, which numbers, where the JSON is cut) comes from the fault's
``seed``, so a fault always looks the same for the same seed.
"""

from __future__ import annotations

import copy
import json
import math
import random
import uuid
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError, ErrorItem
from pulumi_bulknumbers.sandbox.faults import Fault

__all__ = [
    "HTML_502",
    "STORM_LIMIT",
    "after",
    "distort",
    "doomed",
    "early_error",
    "garbage",
    "transient_error",
]

# x-ratelimit-limit during a storm when the sandbox has no rate limit of its own.
STORM_LIMIT = 100
HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_DETAILS = {
    500: "An unexpected error occurred.",
    502: "Bad gateway: the upstream service did not answer in time.",
    503: "The service is temporarily unavailable; retry later.",
}


def early_error(fault: Fault, limit: int = STORM_LIMIT) -> ApiError:
    """The envelope of a fault that answers before anything is processed."""
    if fault.kind == "rate_limit":
        wait = str(max(1, round(fault.retry_after)))
        return ApiError(429, ApiError.of(429, "10011", "Too many requests.").items,
                        {"Retry-After": wait})  # fmt: skip
    if fault.kind == "rate_limit_storm":
        wait = str(max(1, math.ceil(fault.retry_after)))
        headers = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": wait,
            "Retry-After": wait,
        }
        detail = "Too many requests; retry after the reset time."
        return ApiError(429, ApiError.of(429, "10011", detail).items, headers)
    return ApiError.of(fault.status, "10007", _DETAILS.get(fault.status, _DETAILS[500]))


def after(fault: Fault, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any], bool]:
    """The answer once a fault had its say after processing, and whether it struck (a bulk
    order that is not there cannot be distorted, a refused job cannot fail in part)."""
    if fault.kind == "error_after":
        return fault.status, early_error(fault).to_json(), True
    if fault.kind in ("overallocate", "wrong_id"):
        distorted = distort(fault, body) if status == 200 else None
        return (status, body, False) if distorted is None else (status, distorted, True)
    if fault.kind == "job_partial_failure":
        return status, body, status == 202 and bool(body["data"]["pending_operations"])
    return status, body, True


def garbage(body: Any, fault: Fault) -> bytes:
    """The real answer's JSON cut short at a seeded point: never parsable (an object's
    proper prefix leaves its brace open)."""
    text = json.dumps(body, separators=(",", ":"))
    cut = random.Random(fault.seed).randint(1, max(1, len(text) - 1))
    return text[:cut].encode()


def distort(fault: Fault, body: dict[str, Any]) -> dict[str, Any] | None:
    """A bulk order's answer with one group over-allocated (``overallocate``) or another order's
    id (``wrong_id``); None when the answer has nothing to distort."""
    data = body.get("data")
    if not isinstance(data, dict):
        return None
    rng = random.Random(fault.seed)
    changed = copy.deepcopy(body)
    if fault.kind == "wrong_id":
        other = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        changed["data"]["id"] = other if other != data.get("id") else str(uuid.uuid4())
        return changed
    groups = changed["data"].get("ordering_groups") or []
    if fault.kind != "overallocate" or not groups:
        return None
    group = groups[rng.randrange(len(groups))]
    group["count_allocated"] = int(group["count_requested"]) + rng.randint(1, 3)
    return changed


def doomed(count: int, seed: int) -> set[int]:
    """Positions of a job's operations that a ``job_partial_failure`` fails: a seeded subset of
    at least one and at most half (one of a single operation)."""
    if count <= 0:
        return set()
    rng = random.Random(seed)
    return set(rng.sample(range(count), rng.randint(1, max(1, count // 2))))


def transient_error(number: str) -> dict[str, Any]:
    """The error item of an operation a ``job_partial_failure`` failed; the number is unchanged."""
    detail = f"{number} could not be processed this time and is unchanged; retry it in a new job."
    return ErrorItem("10007", detail, pointer="/phone_numbers").to_json()
