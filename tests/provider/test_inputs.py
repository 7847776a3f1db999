"""check: validation of declared inputs, one failure per bad field, no network."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_bulknumbers.inputs import normalize, validate_inputs
from tests.provider.cases import INVALID, group, inputs


class TestValidateInputs:
    """validate_inputs names each bad field and what is allowed there."""

    @pytest.mark.parametrize(
        ("props", "path"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
    )
    def test_invalid_input_names_its_field(self, props: dict[str, Any], path: str) -> None:
        """Each invalid input yields a failure whose path names the field."""
        failures = validate_inputs(props)
        assert path in [f.path for f in failures], failures
        assert all(f.reason for f in failures)

    def test_table_is_large_enough(self) -> None:
        """The invalid-input table covers at least 25 cases."""
        assert len(INVALID) >= 25

    @pytest.mark.parametrize(
        "props",
        [
            inputs(),
            inputs(group(country_iso="CA", administrative_area="ON", features=["voice", "sms"])),
            inputs(group(phone_number_type="toll_free", national_destination_code="888")),
            inputs(group(phone_number={"starts_with": "212", "ends_with": "00"}, strategy="never")),
            inputs(group(count_requested=10_000)),
            inputs(group(count_requested=5.0), wait_timeout_seconds=0, customer_reference="x"),
            inputs(adopt_order_id="0b7e0c3e-6a5f-4b8e-9d55-8f1f4c3c1f2a"),
        ],
        ids=["default", "canada", "toll-free", "pattern", "max", "float-count", "adopt"],
    )
    def test_valid_inputs_pass(self, props: dict[str, Any]) -> None:
        """Valid inputs produce no failure."""
        assert validate_inputs(props) == []

    def test_several_bad_fields_are_all_reported(self) -> None:
        """Every bad field gets its own failure, not just the first."""
        props = inputs(group(country_iso="MX", count_requested=0), connection_id="")
        paths = {f.path for f in validate_inputs(props)}
        assert paths == {
            "ordering_groups[0].country_iso",
            "ordering_groups[0].count_requested",
            "connection_id",
        }

    def test_unknown_values_pass_through(self) -> None:
        """Values preview cannot know yet are not judged."""
        props = inputs(group(count_requested=Unknown()), connection_id=Unknown())
        assert validate_inputs(props) == []
        assert validate_inputs(inputs() | {"ordering_groups": Unknown()}) == []


class TestNormalize:
    """normalize gives the canonical form diff compares."""

    def test_whole_floats_become_ints(self) -> None:
        """Counts that crossed gRPC as floats compare equal to ints."""
        out = normalize(inputs(group(count_requested=5.0), wait_timeout_seconds=60.0))
        assert out["ordering_groups"][0]["count_requested"] == 5
        assert isinstance(out["wait_timeout_seconds"], int)

    def test_none_values_are_dropped(self) -> None:
        """An unset optional field and a missing one are the same."""
        out = normalize(inputs(group(locality=None), connection_id=None))
        assert "connection_id" not in out
        assert "locality" not in out["ordering_groups"][0]
