"""Restarting a running loopback server on its database file, mid-run."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox, SandboxServer, serve
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import AUTH, fetch, group, place


@pytest.fixture(name="file_sandbox")
def _file_sandbox(tmp_path: Path, fake_clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(
        tmp_path / "state.sqlite3",
        processing_seconds=30,
        job_seconds=20,
        clock=fake_clock.now,
        sleep=fake_clock.sleep,
    ) as sb:
        yield sb
        assert not sb.internal_errors, sb.internal_errors
        assert_calls_match_spec(sb.calls)


@pytest.fixture(name="server")
def _server(file_sandbox: Sandbox) -> Iterator[SandboxServer]:
    with serve(file_sandbox) as server:
        yield server


class TestServerRestart:
    def test_orders_and_jobs_in_progress_finish_after(
        self, server: SandboxServer, file_sandbox: Sandbox, fake_clock: FakeClock
    ) -> None:
        """An order and a job under way when the server stops finish after it is back, on the
        same port, and nothing is allocated twice."""
        with httpx.Client(base_url=server.base_url, headers=AUTH) as api:
            owned = fetch(api, place(api, group(4))["id"])
            fake_clock.advance(31)
            first = sorted(n["phone_number"] for n in api.get("/phone_numbers").json()["data"])
            assert len(first) == 4
            order_id = place(api, group(5), group(6))["id"]
            job_id = api.post(
                "/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": first[:2]}
            ).json()["data"]["id"]
            fake_clock.advance(16)  # the first group is done, the second is not; the job half
            during = fetch(api, order_id)
            assert [g["status"] for g in during["ordering_groups"]] == ["success", "processing"]
            old_url = server.base_url

            assert server.restart() == old_url

            fake_clock.advance(20)
            after = fetch(api, order_id)
            assert [g["status"] for g in after["ordering_groups"]] == ["success", "success"]
            assert after["ordering_groups"][0] == during["ordering_groups"][0]
            job = api.get(f"/phone_numbers/jobs/{job_id}").json()["data"]
            assert job["status"] == "completed"
            assert len(job["successful_operations"]) == 2
        assert owned["ordering_groups"][0]["status"] == "pending"
        assert file_sandbox.counts()["phone_numbers"] == 4 + 5 + 6
        live = file_sandbox.owned_numbers()
        assert len(live) == len(set(live)) == 4 + 5 + 6 - 2
        assert set(first[2:]) <= set(live)

    def test_fresh_clients_and_the_same_sandbox_object(
        self, server: SandboxServer, file_sandbox: Sandbox
    ) -> None:
        """After a restart the server still answers through the same Sandbox object, whose
        call log spans both sides of the restart."""
        with httpx.Client(base_url=server.base_url, headers=AUTH) as api:
            place(api, group(1), customer_reference="before")
        server.restart()
        assert server.sandbox is file_sandbox
        with httpx.Client(base_url=server.base_url, headers=AUTH) as api:
            listed = api.get("/inexplicit_number_orders").json()["data"]
        assert [o["customer_reference"] for o in listed] == ["before"]
        assert len(file_sandbox.calls) == 2

    def test_request_in_flight_finishes_first(self, tmp_path: Path, fake_clock: FakeClock) -> None:
        """A request being answered when the restart begins is answered in full, before the
        database is reopened."""
        sb = Sandbox(tmp_path / "s.sqlite3", clock=fake_clock.now)  # real sleep: a real delay
        with sb, serve(sb) as server, httpx.Client(base_url=server.base_url, headers=AUTH) as api:
            sb.inject_fault("slow", delay=0.5)
            answers: list[int] = []
            worker = threading.Thread(target=lambda: answers.append(place_status(api)))
            worker.start()
            time.sleep(0.15)
            server.restart()
            worker.join()
            assert answers == [200]
            assert not sb.internal_errors
            assert len(sb.owned_numbers()) == 1

    def test_down_for_a_while(self, tmp_path: Path) -> None:
        """During the downtime connections are refused; afterwards the same URL answers."""
        with Sandbox(tmp_path / "s.sqlite3") as sb, serve(sb) as server:
            url = server.base_url
            restarting = threading.Thread(target=server.restart, kwargs={"downtime": 1.0})
            restarting.start()
            refused = False
            while restarting.is_alive() and not refused:
                try:
                    httpx.get(url + "/phone_numbers", headers=AUTH, timeout=1.0)
                except httpx.ConnectError:
                    refused = True
                except httpx.TransportError:
                    pass  # caught while stopping: reset or dropped unanswered
                time.sleep(0.02)
            restarting.join()
            assert refused
            assert server.base_url == url
            assert httpx.get(url + "/phone_numbers", headers=AUTH).status_code == 200


def place_status(api: httpx.Client) -> int:
    """The status of a one-number order."""
    return api.post("/inexplicit_number_orders", json={"ordering_groups": [group(1)]}).status_code


class TestSandboxRestart:
    def test_in_memory_cannot_restart(self) -> None:
        """A sandbox in memory refuses to restart rather than lose its state; its server
        serves on."""
        with Sandbox() as sb, serve(sb) as server:
            with pytest.raises(ValueError, match="memory"):
                server.restart()
            response = httpx.get(server.base_url + "/phone_numbers", headers=AUTH)
            assert response.status_code == 200

    def test_in_process_restart_keeps_state(self, tmp_path: Path, fake_clock: FakeClock) -> None:
        """Sandbox.restart reopens the file: a pending order completes on the clock after."""
        with (
            Sandbox(tmp_path / "s.sqlite3", processing_seconds=10, clock=fake_clock.now) as sb,
            httpx.Client(transport=sb.transport(), base_url="https://x/v2", headers=AUTH) as api,
        ):
            order_id = place(api, group(3))["id"]
            sb.restart()
            fake_clock.advance(10)
            assert fetch(api, order_id)["ordering_groups"][0]["count_allocated"] == 3
            assert sb.counts()["phone_numbers"] == 3
