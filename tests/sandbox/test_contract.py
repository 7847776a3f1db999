"""The contract checker itself: it accepts the spec's shapes and catches what breaks them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import pulumi_bulknumbers.sandbox as sandbox_package
from pulumi_bulknumbers.sandbox import Call, FaultKind
from tests.openapi_contract import validate_call


def _call(method: str, path: str, status: int, body: Any) -> Call:
    return Call(method, path, {}, status, None, body)


BAD = [
    ("GET", "/v2/phone_numbers/1", 404, {"errors": [{"code": 10005}]}, "not of type 'string'"),
    (
        "GET",
        "/v2/inexplicit_number_orders/x",
        200,
        {"data": {"ordering_groups": [{"status": "done"}]}},
        "is not one of",
    ),
    ("GET", "/v2/number_orders/x", 200, {"data": {"created_at": "yesterday"}}, "date-time"),
    ("GET", "/v2/phone_numbers", 200, {"data": []}, "'meta' is a required property"),
    ("POST", "/v2/inexplicit_number_orders", 201, {"data": {}}, "not declared"),
    ("GET", "/v2/phone_numbers/1/messaging", 404, {"errors": [{"code": "1"}]}, "'title'"),
]


class TestValidateCall:
    @pytest.mark.parametrize(
        ("method", "path", "status", "body", "message"),
        BAD,
        ids=["int-code", "status-enum", "date-time", "required", "undeclared", "messaging-4XX"],
    )
    def test_catches(self, method: str, path: str, status: int, body: Any, message: str) -> None:
        """Each kind of contract break is reported with where it is."""
        with pytest.raises(AssertionError, match=message):
            validate_call(_call(method, path, status, body))

    def test_accepts_platform_errors(self) -> None:
        """Undeclared error statuses (429, 405, unknown routes) must still be the envelope."""
        body = {"errors": [{"code": "10011", "title": "Too many requests", "detail": "slow"}]}
        validate_call(_call("GET", "/v2/phone_numbers", 429, body))
        validate_call(_call("GET", "/v2/nowhere", 404, body))

    def test_cut_calls_pass(self) -> None:
        """A call cut without an answer has nothing to check."""
        validate_call(Call("POST", "/v2/inexplicit_number_orders", {}, None, None, None, "cut"))

    @pytest.mark.parametrize(("kind", "status"), [("html_502", 502), ("garbage", 200)])
    def test_deliberately_malformed_answers_pass(self, kind: FaultKind, status: int) -> None:
        """An answer a fault made unparsable on purpose has no contract to meet; the same
        answer without the fault fails."""
        call = Call("GET", "/v2/phone_numbers", {}, status, None, None, kind, "<html>")
        validate_call(call)
        with pytest.raises(AssertionError):
            validate_call(replace(call, fault=None))


class TestPublicApi:
    def test_all_is_sorted_and_importable(self) -> None:
        """The sandbox's __all__ is sorted and every name exists."""
        names = sandbox_package.__all__
        assert names == sorted(names)
        assert all(hasattr(sandbox_package, name) for name in names)
