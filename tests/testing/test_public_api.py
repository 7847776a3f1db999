"""The engine stand-in's public surface is explicit and sorted."""

from __future__ import annotations

import pulumi_bulknumbers.testing as testing


class TestPublicApi:
    def test_all_is_sorted_and_importable(self) -> None:
        """Every name in __all__ exists, and the list is kept sorted."""
        assert testing.__all__ == sorted(testing.__all__)
        for name in testing.__all__:
            assert hasattr(testing, name), name
