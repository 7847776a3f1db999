"""The whole lifecycle of an example program, through the real provider process and sandbox."""

from __future__ import annotations

from pulumi_bulknumbers.client import BulkNumbersClient
from pulumi_bulknumbers.sandbox import Sandbox, SandboxServer
from pulumi_bulknumbers.testing import MiniEngine, run_program
from tests.provider.conftest import API_KEY, ROOT

QUICKSTART = ROOT / "examples" / "quickstart"
PROFILE_A = "40017f8e-49bd-4f16-9e3d-ef103f916228"
PROFILE_B = "5c4fa0a7-3a3c-4c07-8d8e-0d2d2b1e0f11"


class TestQuickstartLifecycle:
    """up, preview, settings change, refresh after outside release, destroy."""

    def test_lifecycle(
        self,
        engine: MiniEngine,
        live_sandbox: Sandbox,
        telnyx: BulkNumbersClient,
        server: SandboxServer,
    ) -> None:
        """Every step does to the numbers exactly what the contract says."""
        base = {"telnyx:baseUrl": server.base_url, "telnyx:apiKey": API_KEY}

        # up: 18 numbers in three groups, all recorded as outputs.
        up = run_program(QUICKSTART, engine=engine, config=base)
        assert up.ops() == {"support-pool": "create"}
        out = up.outputs
        assert out["status"] == "success"
        assert [g["status"] for g in out["groups"]] == ["success"] * 3
        assert [g["count_allocated"] for g in out["groups"]] == [5, 3, 10]
        numbers = out["numbers"]
        assert len(numbers) == 18
        assert numbers == sorted(numbers)
        assert sorted(live_sandbox.owned_numbers()) == numbers
        assert "support-pool: 3/3 groups done (3 success); 18/18 numbers allocated" in "\n".join(
            up.logs
        )
        for item in telnyx.iter_phone_numbers():
            assert item.messaging_profile_id == PROFILE_A

        # preview of the unchanged program: no change, no request at all.
        before = len(live_sandbox.calls)
        preview = run_program(QUICKSTART, engine=engine, config=base, preview=True)
        assert preview.changed() == {}
        assert len(live_sandbox.calls) == before

        # settings change: in place, every number carries the new messaging profile.
        changed = {**base, "lifecycle:messagingProfileId": PROFILE_B}
        update = run_program(QUICKSTART, engine=engine, config=changed)
        assert update.ops() == {"support-pool": "update"}
        assert update.outputs["numbers"] == numbers
        profiles = {n.phone_number: n.messaging_profile_id for n in telnyx.iter_phone_numbers()}
        assert profiles == dict.fromkeys(numbers, PROFILE_B)

        # refresh after two numbers were released behind Pulumi's back.
        gone = numbers[:2]
        for item in telnyx.iter_phone_numbers():
            if item.phone_number in gone:
                telnyx.delete_phone_number(item.id)
        refresh = engine.refresh()
        pool = engine.state.by_name("support-pool")
        assert pool is not None
        assert pool.outputs["phone_numbers"] == numbers[2:]
        assert "released outside Pulumi" in "\n".join(refresh.logs)
        again = run_program(QUICKSTART, engine=engine, config=changed, preview=True)
        assert again.changed() == {}

        # destroy: every number released.
        engine.destroy()
        assert engine.state.resources == []
        assert live_sandbox.owned_numbers() == []
