"""`base_url="sandbox[:PATH][?options]"`: the embedded sandbox, owned and closed by the client."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.errors import UsageError
from pulumi_bulknumbers.models import BulkOrderRequest, OrderingGroupRequest

REQUEST = BulkOrderRequest(
    ordering_groups=[
        OrderingGroupRequest(country_iso="US", phone_number_type="toll_free", count_requested=1)
    ]
)


class TestSandboxBaseURL:
    def test_no_key_is_needed(self) -> None:
        """The sandbox runs without an API key."""
        with BulkNumbersClient(base_url="sandbox::memory:") as client:
            assert client.list_bulk_orders().data == []

    def test_state_in_a_file_survives_a_new_client(self, tmp_path: Path) -> None:
        """Orders and numbers written through one client are there for the next."""
        url = f"sandbox:{tmp_path / 'telnyx.sqlite3'}"
        with BulkNumbersClient(base_url=url) as first:
            order = first.create_bulk_order(REQUEST)
            numbers = [n.phone_number for n in first.iter_phone_numbers()]
        with BulkNumbersClient(base_url=url) as second:
            assert second.get_bulk_order(order.id).status == "success"
            assert [n.phone_number for n in second.iter_phone_numbers()] == numbers
        assert len(numbers) == 1

    def test_bare_sandbox_keeps_state_under_the_working_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`sandbox` alone stores its state in .bulknumbers/ of the working directory."""
        monkeypatch.chdir(tmp_path)
        with BulkNumbersClient(base_url="sandbox") as client:
            client.create_bulk_order(REQUEST)
        assert list((tmp_path / ".bulknumbers").iterdir())

    def test_options_reach_the_sandbox(self) -> None:
        """Query options configure the sandbox (here: orders take a minute to process)."""
        with BulkNumbersClient(base_url="sandbox::memory:?processing_seconds=60") as client:
            order = client.create_bulk_order(REQUEST)
            assert client.get_bulk_order(order.id).status != "success"

    @pytest.mark.parametrize(
        "url",
        ["sandbox::memory:?colour=blue", "sandbox::memory:?seed=abc"],
        ids=["unknown-option", "bad-value"],
    )
    def test_bad_options_are_usage_errors(self, url: str) -> None:
        """A malformed sandbox URL is refused at construction as a UsageError."""
        with pytest.raises(UsageError, match="sandbox"):
            BulkNumbersClient(base_url=url)

    def test_repr_names_the_sandbox(self) -> None:
        """repr shows the sandbox URL and a redacted key."""
        with BulkNumbersClient(base_url="sandbox::memory:") as client:
            assert repr(client) == "BulkNumbersClient(base_url='sandbox::memory:', api_key='***')"
