"""State on disk: restarts, and several sandboxes (or processes) sharing one file."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import httpx

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import AUTH, fetch, group, place


def _client(sb: Sandbox) -> httpx.Client:
    return httpx.Client(transport=sb.transport(), base_url="https://x/v2", headers=AUTH)


class TestRestart:
    def test_orders_and_numbers_survive(self, tmp_path: Path, fake_clock: FakeClock) -> None:
        """A sandbox reopened on the same file still has its orders and numbers."""
        db = tmp_path / "state.sqlite3"
        with Sandbox(db, clock=fake_clock.now) as first, _client(first) as api:
            order = place(api, group(3), customer_reference="keep")
            bought = fetch(api, order["id"])
            owned = first.owned_numbers()
        with Sandbox(db, clock=fake_clock.now) as second, _client(second) as api:
            assert fetch(api, order["id"]) == bought
            assert second.owned_numbers() == owned
            listed = api.get("/phone_numbers", params={"filter[customer_reference]": "keep"})
            assert listed.json()["meta"]["total_results"] == 3
            assert_calls_match_spec(second.calls)

    def test_pending_order_completes_after_restart(
        self, tmp_path: Path, fake_clock: FakeClock
    ) -> None:
        """An order placed before a restart completes on the clock afterwards."""
        db = tmp_path / "state.sqlite3"
        with (
            Sandbox(db, processing_seconds=30, clock=fake_clock.now) as first,
            _client(first) as api,
        ):
            order_id = place(api, group(2))["id"]
        fake_clock.advance(31)
        with Sandbox(db, clock=fake_clock.now) as second, _client(second) as api:
            assert fetch(api, order_id)["ordering_groups"][0]["status"] == "success"

    def test_seed_is_fixed_at_creation(self, tmp_path: Path) -> None:
        """Reopening with another seed keeps the file's inventory seed."""
        db = tmp_path / "state.sqlite3"
        Sandbox(db, seed=5).close()
        with Sandbox(db, seed=9) as again:
            assert again.backend.seed == 5


class TestSharedFile:
    def test_two_sandboxes_never_allocate_twice(
        self, tmp_path: Path, fake_clock: FakeClock
    ) -> None:
        """Two sandboxes on one file, read concurrently, allocate each group exactly once."""
        db = tmp_path / "shared.sqlite3"
        with (
            Sandbox(db, processing_seconds=5, clock=fake_clock.now) as a,
            Sandbox(db, processing_seconds=5, clock=fake_clock.now) as b,
        ):
            with _client(a) as api:
                ids = [place(api, group(40))["id"] for _ in range(5)]
            fake_clock.advance(6)

            def poll(sb: Sandbox) -> None:
                with _client(sb) as api:
                    for order_id in ids:
                        fetch(api, order_id)

            threads = [threading.Thread(target=poll, args=(sb,)) for sb in (a, b, a, b)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert a.owned_numbers() == b.owned_numbers()
            assert len(set(a.owned_numbers())) == 200
            assert a.counts()["number_orders"] == 5

    def test_two_processes_never_allocate_twice(self, tmp_path: Path) -> None:
        """Separate processes completing the same due orders buy each number once."""
        db = tmp_path / "shared.sqlite3"
        with Sandbox(db) as sb, _client(sb) as api:
            for _ in range(4):
                api.post("/inexplicit_number_orders", json={"ordering_groups": [group(250)]})
        script = (
            "import sys; from pulumi_bulknumbers.sandbox import Sandbox\n"
            "with Sandbox(sys.argv[1]) as sb: print(len(sb.owned_numbers()))\n"
        )
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert outputs == ["1000"] * 3
        with Sandbox(db) as sb:
            assert sb.counts()["phone_numbers"] == 1000
