"""The package's public surface is explicit and sorted."""

from __future__ import annotations

import pulumi_bulknumbers


def test_all_is_sorted_and_importable() -> None:
    """Every name in __all__ exists, and the list is kept sorted."""
    names = pulumi_bulknumbers.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(pulumi_bulknumbers, name), name
