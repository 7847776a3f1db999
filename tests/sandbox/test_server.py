"""Every endpoint, in-process and over loopback; the server's cut; the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pulumi_bulknumbers.sandbox import Sandbox, SandboxServer, serve
from tests.sandbox.conftest import AUTH, group


class TestEveryEndpoint:
    def test_walk(self, any_api: httpx.Client, sandbox: Sandbox) -> None:
        """Each endpoint answers its declared success status (contract checked at teardown)."""
        api = any_api
        assert (
            api.get(
                "/inventory_coverage", params={"filter[groupBy]": "npa", "filter[count]": "true"}
            ).status_code
            == 200
        )
        assert (
            api.get(
                "/inventory_coverage",
                params={
                    "filter[groupBy]": "locality",
                    "filter[country_code]": "CA",
                    "filter[features]": "sms",
                },
            ).status_code
            == 200
        )
        found = api.get(
            "/available_phone_numbers",
            params={
                "filter[phone_number_type]": "toll_free",
                "filter[limit]": 1,
                "filter[features][]": ["sms", "voice"],
            },
        ).json()["data"]
        explicit = api.post(
            "/number_orders", json={"phone_numbers": [{"phone_number": found[0]["phone_number"]}]}
        )
        assert explicit.status_code == 200
        order = api.post("/inexplicit_number_orders", json={"ordering_groups": [group("2")]})
        order_id = order.json()["data"]["id"]
        assert api.get("/inexplicit_number_orders").status_code == 200
        data = api.get(f"/inexplicit_number_orders/{order_id}").json()["data"]
        entry = data["ordering_groups"][0]["orders"][0]
        assert api.get("/number_orders").status_code == 200
        assert api.get(f"/number_orders/{entry['number_order_id']}").status_code == 200
        assert api.get("/sub_number_orders").status_code == 200
        assert api.get(f"/sub_number_orders/{entry['sub_number_order_ids'][0]}").status_code == 200
        numbers = api.get("/phone_numbers").json()["data"]
        assert len(numbers) == 3
        first, second, third = (n["id"] for n in numbers)
        assert api.get(f"/phone_numbers/{first}").status_code == 200
        assert api.patch(f"/phone_numbers/{first}", json={"tags": ["a"]}).status_code == 200
        assert api.get(f"/phone_numbers/{first}/messaging").status_code == 200
        assert (
            api.patch(
                f"/phone_numbers/{first}/messaging", json={"messaging_profile_id": "p"}
            ).status_code
            == 200
        )
        update = api.post(
            "/phone_numbers/jobs/update_phone_numbers",
            json={"phone_numbers": [first], "customer_reference": "x"},
        )
        assert update.status_code == 202
        delete = api.post(
            "/phone_numbers/jobs/delete_phone_numbers", json={"phone_numbers": [second]}
        )
        assert delete.status_code == 202
        assert api.get(f"/phone_numbers/jobs/{delete.json()['data']['id']}").status_code == 200
        assert api.get("/phone_numbers/jobs").status_code == 200
        bulk = api.post(
            "/messaging_numbers_bulk_updates",
            json={"messaging_profile_id": "p2", "numbers": [numbers[0]["phone_number"]]},
        )
        assert bulk.status_code == 200
        order_key = bulk.json()["data"]["order_id"]
        assert api.get(f"/messaging_numbers_bulk_updates/{order_key}").status_code == 200
        assert api.delete(f"/phone_numbers/{third}").status_code == 200
        assert sandbox.owned_numbers() == [numbers[0]["phone_number"]]


class TestServer:
    def test_base_url(self, sandbox_server: SandboxServer) -> None:
        """The base URL is loopback, a real port, and ends in /v2."""
        assert sandbox_server.base_url == f"http://127.0.0.1:{sandbox_server.port}/v2"
        assert sandbox_server.port > 0

    def test_cut_drops_the_connection(
        self, sandbox: Sandbox, sandbox_server: SandboxServer
    ) -> None:
        """A cut fault closes the socket without an answer."""
        sandbox.inject_fault("cut")
        with httpx.Client(base_url=sandbox_server.base_url, headers=AUTH) as api:
            with pytest.raises(httpx.RemoteProtocolError):
                api.get("/phone_numbers")
            assert api.get("/phone_numbers").status_code == 200

    def test_concurrent_requests(self, sandbox_server: SandboxServer) -> None:
        """Parallel orders over the threaded server all succeed with distinct numbers."""
        from concurrent.futures import ThreadPoolExecutor

        def buy(_: int) -> int:
            with httpx.Client(base_url=sandbox_server.base_url, headers=AUTH) as api:
                body = {"ordering_groups": [group(5, national_destination_code="312")]}
                return api.post("/inexplicit_number_orders", json=body).status_code

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(buy, range(16))) == [200] * 16
        assert len(set(sandbox_server.sandbox.owned_numbers())) == 80


class TestCli:
    def test_serves_until_sigterm(self, tmp_path: Path) -> None:
        """--port 0 prints the base URL first, serves it, and exits cleanly on SIGTERM."""
        db = tmp_path / "cli.sqlite3"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pulumi_bulknumbers.sandbox",
                "--port",
                "0",
                "--db",
                str(db),
                "--api-key",
                "k",
                "--processing-seconds",
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert url.endswith("/v2")
            with httpx.Client(base_url=url, headers={"Authorization": "Bearer k"}) as api:
                assert api.get("/phone_numbers").status_code == 200
                assert (
                    api.post(
                        "/inexplicit_number_orders", json={"ordering_groups": [group(1)]}
                    ).status_code
                    == 200
                )
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        with Sandbox(db) as sb:
            assert len(sb.owned_numbers()) == 1

    def test_help_documents_options(self) -> None:
        """--help names every option."""
        out = subprocess.run(
            [sys.executable, "-m", "pulumi_bulknumbers.sandbox", "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for option in (
            "--host",
            "--port",
            "--db",
            "--api-key",
            "--seed",
            "--processing-seconds",
            "--job-seconds",
            "--latency-ms",
            "--rate-limit",
            "--fault-rate",
            "--fault-kinds",
        ):
            assert option in out


class TestServe:
    def test_serve_is_a_context_manager(self) -> None:
        """serve() returns a server that closes with its block."""
        with Sandbox() as sb, serve(sb) as server, httpx.Client(base_url=server.base_url) as api:
            assert api.get("/phone_numbers").status_code == 401
