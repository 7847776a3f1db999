"""Bulk (inexplicit) orders, number orders and sub number orders: the ordering backend.

No HTTP here. Status changes are lazy: ``advance(now)`` is called before every access and
completes whatever fell due, inside one ``BEGIN IMMEDIATE`` transaction, so that when several
processes share a database file each group is allocated exactly once.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.inventory import (
    FEATURE_BITS,
    Candidate,
    Criteria,
    Inventory,
    Limit,
    normalize_type,
)
from pulumi_bulknumbers.sandbox.render import compact, isoformat
from pulumi_bulknumbers.sandbox.validation import SETTINGS, BulkOrderRequest, GroupSpec

__all__ = ["ID_BASE", "NUMBERS_PER_NUMBER_ORDER", "OrderBook", "load_limits", "save_limits"]

# Phone-number ids are numeric strings like Telnyx's ('1293384261075731499').
ID_BASE = 1_293_384_261_075_700_000
# A bulk group's numbers are split into number orders of at most this many numbers each.
NUMBERS_PER_NUMBER_ORDER = 1_000
USER_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://sandbox.bulknumbers.invalid/user"))


def load_limits(conn: sqlite3.Connection) -> list[Limit]:
    """The administrative inventory caps."""
    return [Limit(*row) for row in conn.execute("SELECT * FROM inventory_limits")]


def save_limits(conn: sqlite3.Connection, limits: Iterable[Limit]) -> None:
    """Write back the caps' remaining counts."""
    conn.executemany(
        "UPDATE inventory_limits SET remaining = ? WHERE country = ? AND number_type = ? "
        "AND ndc = ? AND administrative_area = ?",
        [
            (c.remaining, c.country, c.number_type, c.national_destination_code,
             c.administrative_area)
            for c in limits
        ],
    )  # fmt: skip


def sold_positions(conn: sqlite3.Connection, npa: str) -> set[int]:
    """Positions already sold in an NPA (deleted numbers stay used: they are not resold)."""
    return {row[0] for row in conn.execute("SELECT idx FROM phone_numbers WHERE npa = ?", (npa,))}


class OrderBook:
    """Bulk orders, number orders and sub orders over a ``Store``."""

    def __init__(self, store: Store, inventory: Inventory, processing_seconds: float) -> None:
        self.store = store
        self.inventory = inventory
        self.processing_seconds = processing_seconds

    # -- bulk orders -------------------------------------------------------------------------

    def create_bulk(self, request: BulkOrderRequest) -> dict[str, Any]:
        """Record a bulk order; its groups fall due one after another over the processing time."""
        now = self.store.now()
        order_id = str(uuid.uuid4())
        n = len(request.groups)
        with self.store.tx() as conn:
            conn.execute(
                "INSERT INTO bulk_orders (id, created_at, connection_id, messaging_profile_id, "
                "billing_group_id, customer_reference) VALUES (?, ?, ?, ?, ?, ?)",
                (order_id, now, *(request.settings.get(key) for key in SETTINGS)),
            )
            for position, group in enumerate(request.groups):
                span = self.processing_seconds * (position + 1) / n
                conn.execute(
                    "INSERT INTO bulk_groups (order_id, position, spec, processing_at, due_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (order_id, position, json.dumps(dataclasses.asdict(group)),
                     now + 0.2 * span, now + span, now),
                )  # fmt: skip
        return self.get_bulk(order_id, fresh=True)

    def get_bulk(self, order_id: str, *, fresh: bool = False) -> dict[str, Any]:
        """One bulk order as ``InexplicitNumberOrderResponse``; 404 when unknown."""
        with self.store.lock:
            row = self.store.conn.execute(
                "SELECT * FROM bulk_orders WHERE id = ?", (order_id,)
            ).fetchone()
            if row is None:
                raise ApiError.not_found("Inexplicit number order", order_id)
            return self._render_bulk(row, fresh=fresh)

    def list_bulk(self, number: int, size: int) -> tuple[list[dict[str, Any]], int]:
        """A page of bulk orders, newest first, and the total count."""
        with self.store.lock:
            conn = self.store.conn
            total = conn.execute("SELECT COUNT(*) FROM bulk_orders").fetchone()[0]
            rows = conn.execute(
                "SELECT * FROM bulk_orders ORDER BY seq DESC LIMIT ? OFFSET ?",
                (size, (number - 1) * size),
            ).fetchall()
            return [self._render_bulk(row) for row in rows], int(total)

    def _render_bulk(self, row: sqlite3.Row, *, fresh: bool = False) -> dict[str, Any]:
        now = self.store.now()
        groups = self.store.conn.execute(
            "SELECT * FROM bulk_groups WHERE order_id = ? ORDER BY position", (row["id"],)
        ).fetchall()
        rendered = [self._render_group(g, row["created_at"], now, fresh) for g in groups]
        updated = max([row["created_at"]] + [g["_updated"] for g in rendered])
        for group in rendered:
            group["updated_at"] = isoformat(group.pop("_updated"))
        return compact(
            {
                "id": row["id"],
                **{key: row[key] for key in SETTINGS},
                "ordering_groups": rendered,
                "created_at": isoformat(row["created_at"]),
                "updated_at": isoformat(updated),
            }
        )

    @staticmethod
    def _render_group(row: sqlite3.Row, created: float, now: float, fresh: bool) -> dict[str, Any]:
        spec = json.loads(row["spec"])
        if row["done"] and not fresh:
            status, updated = row["status"], row["due_at"]
        elif not fresh and now >= row["processing_at"] and row["due_at"] > created:
            status, updated = "processing", row["processing_at"]
        else:
            status, updated = "pending", created
        return compact(
            {
                "country_iso": spec["country_iso"],
                "phone_number_type": spec["phone_number_type"],
                "count_requested": spec["count_requested"],
                "count_allocated": 0 if fresh else row["count_allocated"],
                "status": status,
                "strategy": spec["strategy"],
                "national_destination_code": spec["national_destination_code"],
                "administrative_area": spec["administrative_area"],
                "phone_number[starts_with]": spec["starts_with"],
                "phone_number[ends_with]": spec["ends_with"],
                "phone_number[contains]": spec["contains"],
                "quickship": spec["quickship"],
                "exclude_held_numbers": spec["exclude_held_numbers"],
                "error_reason": None if fresh else row["error_reason"],
                "orders": [] if fresh else json.loads(row["orders"]),
                "created_at": isoformat(created),
                "_updated": updated,
            }
        )

    # -- progression -------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Complete every group and explicit order that is due at ``now``."""
        conn = self.store.conn
        with self.store.lock:
            due = conn.execute(
                "SELECT 1 FROM bulk_groups WHERE done = 0 AND due_at <= ? UNION ALL "
                "SELECT 1 FROM number_orders WHERE status = 'pending' AND due_at <= ? LIMIT 1",
                (now, now),
            ).fetchone()
            if due is None:
                return
            with self.store.tx():
                # Re-read under the write lock: another process may have done the work already.
                groups = conn.execute(
                    "SELECT g.*, o.connection_id, o.messaging_profile_id, o.billing_group_id, "
                    "o.customer_reference FROM bulk_groups g JOIN bulk_orders o "
                    "ON o.id = g.order_id WHERE g.done = 0 AND g.due_at <= ? "
                    "ORDER BY g.due_at, o.seq, g.position",
                    (now,),
                ).fetchall()
                limits = load_limits(conn)
                for group in groups:
                    self._fulfil(conn, group, limits)
                save_limits(conn, limits)
                self._complete_explicit(conn, now)

    def _fulfil(self, conn: sqlite3.Connection, row: sqlite3.Row, limits: list[Limit]) -> None:
        raw = json.loads(row["spec"])
        spec = GroupSpec(**{**raw, "features": tuple(raw["features"])})
        mask = 0
        for name in spec.features:
            mask |= FEATURE_BITS[name]
        criteria = Criteria(
            spec.country_iso,
            normalize_type(spec.phone_number_type),
            spec.national_destination_code,
            spec.administrative_area,
            spec.locality,
            mask,
            spec.starts_with,
            spec.ends_with,
            spec.contains,
            bool(spec.quickship),
        )
        trial = [dataclasses.replace(cap) for cap in limits]
        found = self.inventory.search(
            criteria, spec.count_requested, lambda npa: sold_positions(conn, npa), trial
        )
        want = spec.count_requested
        reason: str | None = None
        if spec.strategy == "never" and len(found) < want:
            status, reason = (
                "failed",
                (
                    f"Insufficient inventory: {len(found)} of {want} numbers available for these "
                    "criteria; strategy 'never' orders nothing unless all are available."
                ),
            )
            found = []
        elif not found:
            status, reason = "failed", "Insufficient inventory: no numbers match these criteria."
        elif len(found) < want:
            status = "partial_success"
            reason = f"Insufficient inventory: {len(found)} of {want} numbers were allocated."
        else:
            status = "success"
        orders: list[dict[str, Any]] = []
        if found:
            for cap, tried in zip(limits, trial, strict=True):
                cap.remaining = tried.remaining
            settings = {key: row[key] for key in SETTINGS}
            for start in range(0, len(found), NUMBERS_PER_NUMBER_ORDER):
                chunk = found[start : start + NUMBERS_PER_NUMBER_ORDER]
                orders.append(
                    self.purchase(
                        conn, chunk, settings, row["due_at"], bulk_order_id=row["order_id"]
                    )
                )
        conn.execute(
            "UPDATE bulk_groups SET done = 1, status = ?, count_allocated = ?, error_reason = ?, "
            "orders = ?, updated_at = due_at WHERE order_id = ? AND position = ?",
            (status, len(found), reason, json.dumps(orders), row["order_id"], row["position"]),
        )

    def purchase(
        self,
        conn: sqlite3.Connection,
        numbers: Sequence[Candidate],
        settings: dict[str, str | None],
        created: float,
        *,
        due: float | None = None,
        bulk_order_id: str | None = None,
    ) -> dict[str, Any]:
        """Create one number order for ``numbers``, split into sub orders by country and type.

        Without ``due`` the order is complete at once (numbers ``active``); with it, the order
        is ``pending`` and its numbers ``purchase-pending`` until ``advance`` reaches ``due``.
        """
        done = due is None
        order_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO number_orders (id, status, created_at, updated_at, due_at, "
            "connection_id, messaging_profile_id, billing_group_id, customer_reference, "
            "bulk_order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (order_id, "success" if done else "pending", created, created, due or created,
             *(settings.get(key) for key in SETTINGS), bulk_order_id),
        )  # fmt: skip
        subs: dict[tuple[str, str], str] = {}
        for number in numbers:
            key = (number.area.country, number.area.number_type)
            if key not in subs:
                subs[key] = str(uuid.uuid4())
                conn.execute(
                    "INSERT INTO sub_number_orders (id, order_request_id, country_code, "
                    "phone_number_type, customer_reference, user_id) VALUES (?, ?, ?, ?, ?, ?)",
                    (subs[key], order_id, *key, settings.get("customer_reference"), USER_ID),
                )
        rid = int(conn.execute("SELECT COALESCE(MAX(rid), 0) FROM phone_numbers").fetchone()[0])
        conn.executemany(
            "INSERT INTO phone_numbers (rid, id, phone_number, npa, idx, country, number_type, "
            "features, administrative_area, locality, status, connection_id, "
            "messaging_profile_id, billing_group_id, customer_reference, number_order_id, "
            "sub_number_order_id, order_number_id, created_at, updated_at, activated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (rid + k, str(ID_BASE + rid + k), c.phone_number, c.area.npa, c.index,
                 c.area.country, c.area.number_type, c.features,
                 c.area.administrative_area or None, c.area.locality or None,
                 "active" if done else "purchase-pending",
                 *(settings.get(key) for key in SETTINGS), order_id,
                 subs[(c.area.country, c.area.number_type)], str(uuid.uuid4()),
                 created, created, created if done else None)
                for k, c in enumerate(numbers, start=1)
            ],
        )  # fmt: skip
        return {"number_order_id": order_id, "sub_number_order_ids": list(subs.values())}

    @staticmethod
    def _complete_explicit(conn: sqlite3.Connection, now: float) -> None:
        due = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM number_orders WHERE status = 'pending' AND due_at <= ?", (now,)
            )
        ]
        for order_id in due:
            conn.execute(
                "UPDATE number_orders SET status = 'success', updated_at = due_at WHERE id = ?",
                (order_id,),
            )
            conn.execute(
                "UPDATE phone_numbers SET status = 'active', activated_at = "
                "(SELECT due_at FROM number_orders WHERE id = ?), updated_at = "
                "(SELECT due_at FROM number_orders WHERE id = ?) "
                "WHERE number_order_id = ? AND status = 'purchase-pending'",
                (order_id, order_id, order_id),
            )
