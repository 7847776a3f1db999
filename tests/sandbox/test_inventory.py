"""The seeded inventory: deterministic, real places, exact counts."""

from __future__ import annotations

import pytest

from pulumi_bulknumbers.sandbox.areas import CA_AREAS, TOLL_FREE_NPAS, US_AREAS
from pulumi_bulknumbers.sandbox.inventory import SMS, VOICE, Criteria, Inventory, Limit


class TestInventory:
    def test_same_seed_same_numbers(self) -> None:
        """A seed always lists the same numbers; another seed lists others."""
        first = Inventory(1).search(Criteria("US", "local"), 50, lambda npa: set())
        again = Inventory(1).search(Criteria("US", "local"), 50, lambda npa: set())
        other = Inventory(2).search(Criteria("US", "local"), 50, lambda npa: set())
        assert [c.phone_number for c in first] == [c.phone_number for c in again]
        assert [c.phone_number for c in first] != [c.phone_number for c in other]

    @pytest.mark.parametrize(
        ("country", "npa", "area"),
        [("US", "212", "NY"), ("US", "415", "CA"), ("CA", "416", "ON"), ("CA", "604", "BC")],
        ids=["new-york", "san-francisco", "toronto", "vancouver"],
    )
    def test_real_area_codes(self, country: str, npa: str, area: str) -> None:
        """Area codes sit in their real state or province."""
        (found,) = Inventory().areas(country, "local", national_destination_code=npa)
        assert found.administrative_area == area

    def test_tables_are_disjoint(self) -> None:
        """US, Canadian and toll-free NPAs never overlap."""
        assert not set(US_AREAS) & set(CA_AREAS)
        assert not (set(US_AREAS) | set(CA_AREAS)) & set(TOLL_FREE_NPAS)

    def test_numbers_are_valid_and_distinct(self) -> None:
        """Numbers are +1 NPA-NXX-XXXX with a valid NXX, never repeated within an area."""
        (area,) = Inventory().areas("US", "local", "617")
        numbers = [area.national(i) for i in range(area.capacity)]
        assert len(set(numbers)) == area.capacity
        assert all(n[3] not in "01" and n[4:6] != "11" and n[3:6] != "555" for n in numbers)

    def test_index_round_trip(self) -> None:
        """index_of inverts national for every stocked number, and rejects others."""
        (area,) = Inventory().areas("CA", "local", "514")
        for i in (0, 1, area.capacity - 1):
            assert area.index_of(area.national(i)) == i
        assert area.index_of("5145550000") is None

    def test_feature_counts_are_exact(self) -> None:
        """count_with matches a direct count over the area."""
        (area,) = Inventory().areas("US", "toll_free", "888")
        need = SMS | VOICE
        direct = sum(1 for i in range(area.capacity) if area.features(i) & need == need)
        assert area.count_with(need) == direct

    def test_sold_and_capped_numbers_are_skipped(self) -> None:
        """Sold positions are skipped and a cap stops the search."""
        inv = Inventory()
        cap = Limit("US", "local", "305", "", 3)
        found = inv.search(Criteria("US", "local", "305"), 10, lambda npa: {0, 1}, [cap])
        assert [c.index for c in found] == [2, 3, 4]
        assert cap.remaining == 0

    def test_toll_free_pool_is_shared(self) -> None:
        """US and Canada draw toll-free numbers from the same pool."""
        inv = Inventory()
        us = inv.search(Criteria("US", "toll_free"), 3, lambda npa: set())
        ca = inv.search(Criteria("CA", "toll_free"), 3, lambda npa: set())
        assert [c.phone_number for c in us] == [c.phone_number for c in ca]
