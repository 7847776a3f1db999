"""The sandbox backend: every book over one SQLite store, with lazy progression (no HTTP).

``Backend.access()`` is the one door: it takes the store's lock and first completes whatever the
clock says is due, so every read sees up-to-date statuses without any background thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.inventory import Inventory, normalize_type
from pulumi_bulknumbers.sandbox.jobs import JobBook
from pulumi_bulknumbers.sandbox.number_orders import NumberOrders
from pulumi_bulknumbers.sandbox.numbers import NumberBook
from pulumi_bulknumbers.sandbox.orders import OrderBook
from pulumi_bulknumbers.sandbox.search import Catalog

__all__ = ["Backend"]


class Backend:
    """Orders, numbers, jobs and inventory of one sandbox account.

    The inventory seed is stored in the database when it is created; a later ``Backend`` on the
    same file keeps that seed (its inventory must not change under the numbers already sold).
    """

    def __init__(
        self,
        db: str | os.PathLike[str],
        *,
        seed: int,
        processing_seconds: float,
        job_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        self.store = Store(db, clock)
        self.seed = int(self.store.meta("seed", str(seed)))
        self.inventory = Inventory(self.seed)
        self.orders = OrderBook(self.store, self.inventory, processing_seconds)
        self.number_orders = NumberOrders(self.store, self.inventory, self.orders)
        self.numbers = NumberBook(self.store)
        self.jobs = JobBook(self.store, job_seconds)
        self.catalog = Catalog(self.store, self.inventory)

    def advance(self) -> None:
        """Complete every order, operation and update that is due now."""
        now = self.store.now()
        self.orders.advance(now)
        self.jobs.advance(now)

    @contextmanager
    def access(self) -> Iterator[Backend]:
        """Hold the store's lock, with the state brought up to the clock."""
        with self.store.lock:
            self.advance()
            yield self

    def set_inventory(
        self,
        *,
        country_iso: str = "US",
        phone_number_type: str = "local",
        national_destination_code: str | None = None,
        administrative_area: str | None = None,
        available: int | None,
    ) -> None:
        """Cap how many more numbers of a scope can be sold (``None`` lifts the cap)."""
        key = (
            country_iso,
            normalize_type(phone_number_type),
            national_destination_code or "",
            (administrative_area or "").upper(),
        )
        with self.store.tx() as conn:
            conn.execute(
                "DELETE FROM inventory_limits WHERE country = ? AND number_type = ? AND ndc = ? "
                "AND administrative_area = ?",
                key,
            )
            if available is not None:
                conn.execute(
                    "INSERT INTO inventory_limits VALUES (?, ?, ?, ?, ?)", (*key, max(0, available))
                )

    def close(self) -> None:
        """Close the database connection."""
        self.store.close()
