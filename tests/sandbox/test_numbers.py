"""Phone numbers, their batch jobs and messaging settings."""

from __future__ import annotations

import httpx
import pytest

from pulumi_bulknumbers.sandbox import FakeClock, Sandbox
from tests.openapi_contract import assert_calls_match_spec
from tests.sandbox.conftest import AUTH, group, place

JOBS = "/phone_numbers/jobs"


def _buy(api: httpx.Client, count: int = 3, **settings: str) -> list[dict[str, object]]:
    place(api, group(count), **settings)
    data: list[dict[str, object]] = api.get("/phone_numbers", params={"page[size]": 250}).json()[
        "data"
    ]
    return data


class TestPhoneNumbers:
    def test_filters(self, api: httpx.Client) -> None:
        """List filters narrow by reference, connection, billing group, tag and number."""
        place(api, group(2), customer_reference="a", connection_id="c1")
        place(api, group(3), customer_reference="b", billing_group_id="bg")
        total = lambda **f: api.get("/phone_numbers", params=f).json()["meta"]["total_results"]  # noqa: E731
        assert total(**{"filter[customer_reference]": "a"}) == 2
        assert total(**{"filter[connection_id]": "c1"}) == 2
        assert total(**{"filter[billing_group_id]": "bg"}) == 3
        assert total(**{"filter[billing_group_id]": "null"}) == 2
        assert total(**{"filter[status]": "active"}) == 5
        some = api.get("/phone_numbers").json()["data"][0]
        api.patch(f"/phone_numbers/{some['id']}", json={"tags": ["vip"]})
        assert total(**{"filter[tag]": "vip"}) == 1
        assert total(**{"filter[phone_number]": some["phone_number"]}) == 1
        assert total(**{"filter[phone_number]": "abc"}) == 0

    def test_pages(self, api: httpx.Client) -> None:
        """page[size] and page[number] slice the list; meta counts pages."""
        _buy(api, 5)
        page = api.get("/phone_numbers", params={"page[size]": 2, "page[number]": 3}).json()
        assert len(page["data"]) == 1
        assert page["meta"] == {
            "page_number": 3,
            "page_size": 2,
            "total_pages": 3,
            "total_results": 5,
        }

    def test_patch_settings(self, api: httpx.Client) -> None:
        """PATCH changes connection, billing group, reference and tags."""
        number = _buy(api, 1)[0]
        changes = {
            "connection_id": "c2",
            "billing_group_id": "b2",
            "customer_reference": "r2",
            "tags": ["x", "y"],
        }
        data = api.patch(f"/phone_numbers/{number['id']}", json=changes).json()["data"]
        assert {k: data[k] for k in changes} == changes
        assert api.get(f"/phone_numbers/{number['id']}").json()["data"]["tags"] == ["x", "y"]

    def test_delete(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """DELETE answers the record with status deleted; the number is gone afterwards."""
        number = _buy(api, 1)[0]
        gone = api.delete(f"/phone_numbers/{number['id']}")
        assert (gone.status_code, gone.json()["data"]["status"]) == (200, "deleted")
        assert api.get(f"/phone_numbers/{number['id']}").json()["errors"][0]["code"] == "10005"
        assert sandbox.owned_numbers() == []
        listed = api.get("/phone_numbers", params={"filter[status]": "deleted"}).json()
        assert [n["id"] for n in listed["data"]] == [number["id"]]

    def test_deletion_lock_blocks_delete(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A locked number answers 422 to DELETE and stays owned."""
        number = _buy(api, 1)[0]
        sandbox.set_deletion_lock(str(number["phone_number"]))
        refused = api.delete(f"/phone_numbers/{number['id']}")
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["source"]["pointer"] == "/deletion_lock_enabled"
        assert sandbox.owned_numbers() == [number["phone_number"]]

    def test_messaging_settings(self, api: httpx.Client) -> None:
        """Messaging settings read and change by id or E.164; '' unassigns the profile."""
        number = _buy(api, 1, messaging_profile_id="m1")[0]
        path = f"/phone_numbers/{number['phone_number']}/messaging"
        assert api.get(path).json()["data"]["messaging_profile_id"] == "m1"
        data = api.patch(path, json={"messaging_profile_id": "m2", "messaging_product": "A2P"})
        assert data.json()["data"]["messaging_profile_id"] == "m2"
        cleared = api.patch(
            f"/phone_numbers/{number['id']}/messaging", json={"messaging_profile_id": ""}
        ).json()["data"]
        assert cleared["messaging_profile_id"] is None
        assert cleared["messaging_product"] == "A2P"


class TestJobs:
    def test_delete_job(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A delete job answers 202 pending and releases every number at the next read."""
        numbers = [str(n["phone_number"]) for n in _buy(api, 3)]
        created = api.post(f"{JOBS}/delete_phone_numbers", json={"phone_numbers": numbers})
        job = created.json()["data"]
        assert (created.status_code, job["status"], len(job["pending_operations"])) == (
            202,
            "pending",
            3,
        )
        done = api.get(f"{JOBS}/{job['id']}").json()["data"]
        assert done["status"] == "completed"
        assert sorted(op["phone_number"] for op in done["successful_operations"]) == sorted(numbers)
        assert sandbox.owned_numbers() == []

    def test_locked_number_fails_in_job(self, api: httpx.Client, sandbox: Sandbox) -> None:
        """A locked number lands in failed_operations with a Telnyx-shaped error."""
        bought = _buy(api, 2)
        sandbox.set_deletion_lock(str(bought[0]["id"]))
        ids = [str(n["id"]) for n in bought]
        job = api.post(f"{JOBS}/delete_phone_numbers", json={"phone_numbers": ids}).json()["data"]
        done = api.get(f"{JOBS}/{job['id']}").json()["data"]
        (failed,) = done["failed_operations"]
        assert failed["id"] == bought[0]["id"]
        assert failed["errors"][0]["code"] == "10015"
        assert "deletion lock" in failed["errors"][0]["detail"]
        assert sandbox.owned_numbers() == [bought[0]["phone_number"]]

    def test_update_job_and_lock(self, api: httpx.Client) -> None:
        """An update job applies settings, including the deletion lock, to every number."""
        ids = [str(n["id"]) for n in _buy(api, 2)]
        body = {
            "phone_numbers": ids,
            "connection_id": "c9",
            "tags": ["t"],
            "deletion_lock_enabled": True,
        }
        job = api.post(f"{JOBS}/update_phone_numbers", json=body).json()["data"]
        assert job["type"] == "update_phone_numbers"
        api.get(f"{JOBS}/{job['id']}")
        for number_id in ids:
            data = api.get(f"/phone_numbers/{number_id}").json()["data"]
            assert (data["connection_id"], data["tags"], data["deletion_lock_enabled"]) == (
                "c9",
                ["t"],
                True,
            )

    def test_jobs_progress_over_time(self, fake_clock: FakeClock) -> None:
        """Operations move from pending to successful as the job's time passes."""
        with (
            Sandbox(job_seconds=10, clock=fake_clock.now) as sb,
            httpx.Client(transport=sb.transport(), base_url="https://x/v2", headers=AUTH) as api,
        ):
            ids = [str(n["id"]) for n in _buy(api, 4)]
            job = api.post(f"{JOBS}/delete_phone_numbers", json={"phone_numbers": ids}).json()
            progress = []
            for _ in range(3):
                fake_clock.advance(5)
                data = api.get(f"{JOBS}/{job['data']['id']}").json()["data"]
                progress.append(
                    (
                        data["status"],
                        len(data["successful_operations"]),
                        len(data["pending_operations"]),
                    )
                )
            assert progress == [("in_progress", 2, 2), ("completed", 4, 0), ("completed", 4, 0)]
            assert_calls_match_spec(sb.calls)

    def test_at_most_twenty_open_jobs(self, fake_clock: FakeClock) -> None:
        """The 21st pending job is refused with pointer /base."""
        with (
            Sandbox(job_seconds=60, clock=fake_clock.now) as sb,
            httpx.Client(transport=sb.transport(), base_url="https://x/v2", headers=AUTH) as api,
        ):
            ids = [str(n["id"]) for n in _buy(api, 1)]
            body = {"phone_numbers": ids, "tags": ["a"]}
            for _ in range(20):
                assert api.post(f"{JOBS}/update_phone_numbers", json=body).status_code == 202
            refused = api.post(f"{JOBS}/update_phone_numbers", json=body)
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["source"]["pointer"] == "/base"
            listed = api.get(JOBS, params={"filter[type]": "update_phone_numbers"}).json()
            assert listed["meta"]["total_results"] == 20
            assert_calls_match_spec(sb.calls)

    @pytest.mark.parametrize("owned", [True, False], ids=["owned", "not-owned"])
    def test_messaging_bulk_update(self, api: httpx.Client, owned: bool) -> None:
        """A messaging bulk update assigns the profile; numbers not owned end up failed."""
        number = str(_buy(api, 1)[0]["phone_number"]) if owned else "+12125550199"
        created = api.post(
            "/messaging_numbers_bulk_updates",
            json={"messaging_profile_id": "mp", "numbers": [number]},
        )
        assert created.json()["data"]["pending"] == [number]
        order_id = created.json()["data"]["order_id"]
        data = api.get(f"/messaging_numbers_bulk_updates/{order_id}").json()["data"]
        assert (data["success"], data["failed"]) == (([number], []) if owned else ([], [number]))
