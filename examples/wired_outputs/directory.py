"""A tiny resource of the example's own: a routing file listing the pool's numbers.

It stands for whatever consumes the numbers (an app's config, a DNS TXT record, a docs page),
to show a pool's outputs flowing into another resource.
"""

import json
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


class _DirectoryProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        path = Path(props["path"])
        path.write_text(json.dumps({"team": props["team"], "numbers": props["numbers"]}))
        return CreateResult(str(path), dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        keys = ("path", "team", "numbers")
        changed = [k for k in keys if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=["path"] if "path" in changed else [])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self.create(news).outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        Path(props["path"]).unlink(missing_ok=True)


class NumberDirectory(Resource, module="example", name="NumberDirectory"):
    """Writes `{"team": ..., "numbers": [...]}` to `path`."""

    def __init__(
        self,
        name: str,
        *,
        path: pulumi.Input[str],
        team: pulumi.Input[str],
        numbers: pulumi.Input[list[str]],
    ) -> None:
        props = {"path": path, "team": team, "numbers": numbers}
        super().__init__(_DirectoryProvider(), name, props)
