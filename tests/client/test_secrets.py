"""The API key appears in no repr, error message, error attribute, traceback or log line."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import httpx
import pytest

from pulumi_bulknumbers.errors import BulkNumbersError
from pulumi_bulknumbers.transport import RetryPolicy
from tests.client.conftest import MakeScripted
from tests.client.helpers import API_KEY, telnyx_error

ECHO = f"<html>Bad gateway. Your request had Authorization: Bearer {API_KEY}</html>"


def _everything_about(error: BaseException) -> str:
    """Every text a user or a log could see of an error, including its chained causes."""
    return "\n".join(
        [str(error), repr(error), repr(vars(error)), "".join(traceback.format_exception(error))]
    )


class TestKeyNeverLeaks:
    @pytest.mark.parametrize(
        "outcome",
        [
            telnyx_error(
                401, "10009", "Authentication failed", "Could not understand the credentials"
            ),
            httpx.Response(502, text=ECHO),
            httpx.Response(200, text=ECHO),
            httpx.Response(200, json={"data": {"note": f"echo {API_KEY}"}}),
            httpx.Response(429, text=ECHO, headers={"Retry-After": "1"}),
            httpx.ConnectError(f"proxy refused Bearer {API_KEY}"),
            httpx.ReadTimeout(f"timed out with Bearer {API_KEY}"),
        ],
        ids=[
            "401",
            "html-502-echo",
            "200-html-echo",
            "200-bad-shape-echo",
            "429-echo",
            "connect",
            "timeout",
        ],
    )
    def test_errors_and_logs_are_clean(
        self, scripted: MakeScripted, caplog: pytest.LogCaptureFixture, outcome: Any
    ) -> None:
        """Whatever fails, and even if the server echoes the key, no output contains it."""
        policy = RetryPolicy(max_attempts=2, rate_limit_seconds=1.5)
        client, _ = scripted(outcome, outcome, policy=policy)
        with caplog.at_level(logging.DEBUG), pytest.raises(BulkNumbersError) as info:
            client.get_bulk_order("o")
        assert API_KEY not in _everything_about(info.value)
        assert API_KEY not in caplog.text
        assert API_KEY not in repr(client)

    def test_the_key_is_only_in_the_authorization_header(self, scripted: MakeScripted) -> None:
        """The key travels in the Authorization header and nowhere else in the request."""
        client, script = scripted(httpx.Response(200, json={"data": {"id": "o"}}))
        client.get_bulk_order("o")
        (request,) = script.requests
        others = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        assert API_KEY not in str(request.url)
        assert API_KEY not in repr(others)
        assert API_KEY not in repr(request.headers)  # httpx masks it in reprs too
