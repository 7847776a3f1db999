"""Seeded random faults: reproducible, limited to the chosen kinds, only where a kind applies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from pulumi_bulknumbers.sandbox.faults import KINDS
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import AUTH, group

Outcome = tuple[str | None, int | None]


def _run(seed: int, kinds: Sequence[str] = KINDS, rate: float = 0.4, n: int = 80) -> list[Outcome]:
    """(fault, status) of ``n`` requests cycling over four shapes: a bulk-order GET, a list, an
    order, a delete job (all well-formed; the state is set up with faults off)."""
    clock = FakeClock()
    with (
        Sandbox(seed=seed, fault_kinds=kinds, clock=clock.now, sleep=clock.sleep) as sb,
        httpx.Client(transport=sb.transport(), base_url="https://x/v2", headers=AUTH) as api,
    ):
        order_id = api.post(
            "/inexplicit_number_orders", json={"ordering_groups": [group(3), group(2)]}
        ).json()["data"]["id"]
        api.get(f"/inexplicit_number_orders/{order_id}")
        numbers = sb.owned_numbers()
        sb.calls.clear()
        sb.faults.rate = rate
        for i in range(n):
            try:
                if i % 4 == 0:
                    api.get(f"/inexplicit_number_orders/{order_id}")
                elif i % 4 == 1:
                    api.get("/phone_numbers")
                elif i % 4 == 2:
                    api.post("/inexplicit_number_orders", json={"ordering_groups": [group(1)]})
                else:
                    body = {"phone_numbers": numbers[:2]}
                    api.post("/phone_numbers/jobs/update_phone_numbers",
                             json={**body, "customer_reference": f"r{i}"})  # fmt: skip
            except httpx.RemoteProtocolError:
                pass  # a cut: recorded with no status
        assert not sb.internal_errors
        assert_calls_match_spec(sb.calls)
        return [(call.fault, call.status) for call in sb.calls]


class TestReproducible:
    def test_same_seed_same_faults(self) -> None:
        """The same seed and requests give the same faults and statuses; another seed does not."""
        first, again, other = _run(11), _run(11), _run(12)
        assert first == again
        assert first != other

    def test_every_kind_can_be_drawn(self) -> None:
        """Over enough requests the random mode draws the specialised kinds too."""
        drawn = {fault for seed in (1, 2, 3) for fault, _ in _run(seed, rate=0.6)}
        assert {"overallocate", "wrong_id", "job_partial_failure", "garbage"} <= drawn
        assert len(drawn - {None}) >= 9

    def test_default_kinds_are_error_and_cut(self) -> None:
        """Without fault_kinds the random mode keeps to error and cut, as it always did."""
        with Sandbox() as sb:
            assert sb.faults.kinds == ("error", "cut")


class TestKindsFilter:
    def test_only_the_chosen_kinds(self) -> None:
        """fault_kinds limits what the random mode draws."""
        faults = {fault for fault, _ in _run(5, kinds=("server_burst", "slow"), rate=0.5)}
        assert faults == {None, "server_burst", "slow"}

    def test_never_where_a_kind_cannot_apply(self) -> None:
        """Kinds bound to one request shape strike only that shape, even at rate 1."""
        outcomes = _run(3, kinds=("overallocate", "wrong_id", "job_partial_failure"), rate=1.0)
        for i, (fault, status) in enumerate(outcomes):
            expected = {0: ("overallocate", "wrong_id"), 3: ("job_partial_failure",)}
            assert fault in expected.get(i % 4, (None,)), (i, fault, status)


class TestOptions:
    def test_base_url_form(self) -> None:
        """fault_kinds is accepted, comma-separated, in the sandbox: URL form."""
        url = "sandbox::memory:?fault_rate=0.1&fault_kinds=error,cut_after,garbage"
        with Sandbox.from_base_url(url) as sb:
            assert (sb.faults.rate, sb.faults.kinds) == (0.1, ("error", "cut_after", "garbage"))

    @pytest.mark.parametrize("kinds", ["error,teapot", ""], ids=["unknown", "empty"])
    def test_bad_kinds_refused(self, kinds: str) -> None:
        """An unknown or empty kind list is refused with the known kinds named."""
        with pytest.raises(ValueError, match="fault kinds must be some of"):
            Sandbox.from_base_url(f"sandbox::memory:?fault_kinds={kinds}")

    def test_cli_option(self, tmp_path: object) -> None:
        """--fault-kinds chooses the kinds --fault-rate draws from."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "pulumi_bulknumbers.sandbox", "--port", "0", "--db",
             ":memory:", "--fault-rate", "1", "--fault-kinds", "html_502"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            with httpx.Client(base_url=url, headers=AUTH) as api:
                response = api.get("/phone_numbers")
            assert response.status_code == 502
            assert response.headers["content-type"].startswith("text/html")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
