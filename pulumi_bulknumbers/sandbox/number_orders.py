"""Number orders (explicit, and those bulk orders create) and their sub orders: reads and the
explicit-order workflow (search, then POST /number_orders). No HTTP here."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError, ErrorItem
from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.inventory import Candidate, Inventory, Limit
from pulumi_bulknumbers.sandbox.orders import OrderBook, load_limits, save_limits
from pulumi_bulknumbers.sandbox.render import compact, isoformat
from pulumi_bulknumbers.sandbox.validation import SETTINGS, Problems, optional_string

__all__ = ["NumberOrders"]

_E164 = re.compile(r"\+1[2-9][0-9]{9}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _phone_number_item(row: sqlite3.Row, status: str) -> dict[str, Any]:
    return {
        "id": row["order_number_id"],
        "record_type": "number_order_phone_number",
        "phone_number": row["phone_number"],
        "phone_number_type": row["number_type"],
        "country_code": row["country"],
        "country_iso_alpha2": row["country"],
        "status": status,
        "requirements_met": True,
        "requirements_status": "approved",
        "regulatory_requirements": [],
    }


def _timestamp(value: str, parameter: str) -> float:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError.of(
            422, "10015", f"'{parameter}' must be an ISO 8601 date-time.", parameter=parameter
        ) from None


def _check_requirements(raw: object, problems: Problems) -> None:
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.invalid("/regulatory_requirements", "'regulatory_requirements' must be a list.")
        return
    for i, item in enumerate(raw):
        base = f"/regulatory_requirements/{i}"
        ident = item.get("requirement_id") if isinstance(item, dict) else None
        if not isinstance(item, dict):
            problems.invalid(base, "Each entry must be an object.")
        elif not isinstance(ident, str) or not _UUID.fullmatch(ident.lower()):
            problems.invalid(f"{base}/requirement_id", "'requirement_id' must be a UUID.")
        elif not isinstance(item.get("field_value", ""), str):
            problems.invalid(f"{base}/field_value", "'field_value' must be a string.")
        else:
            problems.invalid(
                f"{base}/requirement_id", f"Requirement {ident} does not apply to this order."
            )


class NumberOrders:
    """Reads of number orders and sub orders, and explicit number orders."""

    def __init__(self, store: Store, inventory: Inventory, book: OrderBook) -> None:
        self.store = store
        self.inventory = inventory
        self.book = book

    def _numbers(self, order_id: str) -> list[sqlite3.Row]:
        return self.store.conn.execute(
            "SELECT * FROM phone_numbers WHERE number_order_id = ? ORDER BY rid", (order_id,)
        ).fetchall()

    def _render(self, row: sqlite3.Row, *, detailed: bool) -> dict[str, Any]:
        conn = self.store.conn
        numbers = self._numbers(row["id"])
        status = row["status"]
        subs = conn.execute(
            "SELECT id FROM sub_number_orders WHERE order_request_id = ? ORDER BY seq", (row["id"],)
        ).fetchall()
        items = [
            _phone_number_item(n, status)
            if detailed
            else {"id": n["order_number_id"], "phone_number": n["phone_number"]}
            for n in numbers
        ]
        return compact(
            {
                "id": row["id"],
                "record_type": "number_order",
                "status": status,
                "phone_numbers": items,
                "phone_numbers_count": len(numbers),
                "sub_number_orders_ids": [sub["id"] for sub in subs],
                "requirements_met": True,
                **{key: row[key] for key in SETTINGS},
                "created_at": isoformat(row["created_at"]),
                "updated_at": isoformat(row["updated_at"]),
            }
        )

    def get(self, order_id: str) -> dict[str, Any]:
        """``NumberOrderWithPhoneNumbers``; 404 when unknown."""
        with self.store.lock:
            row = self.store.conn.execute(
                "SELECT * FROM number_orders WHERE id = ?", (order_id,)
            ).fetchone()
            if row is None:
                raise ApiError.not_found("Number order", order_id)
            return self._render(row, detailed=True)

    def update(self, order_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH with ``UpdateNumberOrderRequest`` members: ``customer_reference`` (null clears
        it); requirements are checked, but the sandbox's orders have none to fulfil."""
        problems = Problems()
        reference = optional_string(body, "customer_reference", "", problems)
        _check_requirements(body.get("regulatory_requirements"), problems)
        with self.store.tx() as conn:
            if not conn.execute("SELECT 1 FROM number_orders WHERE id = ?", (order_id,)).fetchone():
                raise ApiError.not_found("Number order", order_id)
            problems.raise_if_any()
            if "customer_reference" in body:
                conn.execute(
                    "UPDATE number_orders SET customer_reference = ?, updated_at = ? WHERE id = ?",
                    (reference, self.store.now(), order_id),
                )
        return self.get(order_id)

    def list_orders(
        self, filters: Mapping[str, str], number: int, size: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of ``NumberOrder`` items, newest first, with the declared filters."""
        where, args = ["1 = 1"], []
        for key in ("status", "customer_reference"):
            if key in filters:
                where.append(f"{key} = ?")
                args.append(filters[key])
        for key, op in (("created_at[gt]", ">"), ("created_at[lt]", "<")):
            if key in filters:
                where.append(f"created_at {op} ?")
                args.append(str(_timestamp(filters[key], f"filter[{key}]")))
        with self.store.lock:
            rows = self.store.conn.execute(
                f"SELECT * FROM number_orders WHERE {' AND '.join(where)} ORDER BY seq DESC", args
            ).fetchall()
            rendered = [self._render(row, detailed=False) for row in rows]
        if "phone_numbers_count" in filters:
            rendered = [
                r
                for r in rendered
                if str(r["phone_numbers_count"]) == filters["phone_numbers_count"]
            ]
        if "requirements_met" in filters:
            wanted = filters["requirements_met"].lower() == "true"
            rendered = [r for r in rendered if r["requirements_met"] is wanted]
        start = (number - 1) * size
        return rendered[start : start + size], len(rendered)

    def _render_sub(self, row: sqlite3.Row, parent: sqlite3.Row, numbers: bool) -> dict[str, Any]:
        conn = self.store.conn
        count = conn.execute(
            "SELECT COUNT(*) FROM phone_numbers WHERE sub_number_order_id = ?", (row["id"],)
        ).fetchone()[0]
        body = compact(
            {
                "id": row["id"],
                "order_request_id": row["order_request_id"],
                "record_type": "sub_number_order",
                "status": parent["status"],
                "country_code": row["country_code"],
                "phone_number_type": row["phone_number_type"],
                "phone_numbers_count": int(count),
                "customer_reference": row["customer_reference"],
                "user_id": row["user_id"],
                "requirements_met": True,
                "is_block_sub_number_order": False,
                "regulatory_requirements": [],
                "created_at": isoformat(parent["created_at"]),
                "updated_at": isoformat(parent["updated_at"]),
            }
        )
        if numbers:
            first = conn.execute(
                "SELECT * FROM phone_numbers WHERE sub_number_order_id = ? ORDER BY rid LIMIT 50",
                (row["id"],),
            ).fetchall()
            body["phone_numbers"] = [_phone_number_item(n, parent["status"]) for n in first]
        return body

    def get_sub(self, sub_id: str, *, include_phone_numbers: bool = False) -> dict[str, Any]:
        """``SubNumberOrder``; with its first 50 numbers on request; 404 when unknown."""
        with self.store.lock:
            conn = self.store.conn
            row = conn.execute("SELECT * FROM sub_number_orders WHERE id = ?", (sub_id,)).fetchone()
            if row is None:
                raise ApiError.not_found("Sub number order", sub_id)
            parent = conn.execute(
                "SELECT * FROM number_orders WHERE id = ?", (row["order_request_id"],)
            ).fetchone()
            return self._render_sub(row, parent, include_phone_numbers)

    def list_subs(self, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every sub order matching the declared filters, newest first."""
        where, args = ["1 = 1"], []
        for key, column in (
            ("order_request_id", "s.order_request_id"),
            ("country_code", "s.country_code"),
            ("phone_number_type", "s.phone_number_type"),
            ("status", "p.status"),
        ):
            if key in filters:
                where.append(f"{column} = ?")
                args.append(filters[key])
        with self.store.lock:
            rows = self.store.conn.execute(
                "SELECT s.*, p.status AS parent_status FROM sub_number_orders s JOIN "
                f"number_orders p ON p.id = s.order_request_id WHERE {' AND '.join(where)} "
                "ORDER BY s.seq DESC",
                args,
            ).fetchall()
            parents = {
                row["order_request_id"]: self.store.conn.execute(
                    "SELECT * FROM number_orders WHERE id = ?", (row["order_request_id"],)
                ).fetchone()
                for row in rows
            }
            rendered = [
                self._render_sub(row, parents[row["order_request_id"]], False) for row in rows
            ]
        if "phone_numbers_count" in filters:
            rendered = [
                r
                for r in rendered
                if str(r["phone_numbers_count"]) == filters["phone_numbers_count"]
            ]
        return rendered

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """An explicit order of named, available numbers: ``pending`` until processed."""
        problems = Problems()
        settings = {key: optional_string(body, key, "", problems) for key in SETTINGS}
        raw = body.get("phone_numbers")
        wanted: list[str] = []
        if raw is None:
            problems.missing("/phone_numbers")
        elif not isinstance(raw, list) or not raw:
            problems.invalid("/phone_numbers", "'phone_numbers' must be a non-empty list.")
        else:
            for i, item in enumerate(raw):
                base = f"/phone_numbers/{i}"
                number = item.get("phone_number") if isinstance(item, dict) else None
                if not isinstance(item, dict):
                    problems.invalid(base, "Each entry must be an object with a 'phone_number'.")
                elif number is None:
                    problems.missing(f"{base}/phone_number")
                elif not isinstance(number, str) or not _E164.fullmatch(number):
                    problems.items.append(
                        ErrorItem(
                            "10016",
                            "The number must be +E.164 (US/CA).",
                            "Invalid phone number",
                            f"{base}/phone_number",
                        )
                    )
                elif number in wanted:
                    problems.invalid(f"{base}/phone_number", f"{number} is listed twice.")
                else:
                    wanted.append(number)
        problems.raise_if_any()
        now = self.store.now()
        with self.store.tx() as conn:
            limits = load_limits(conn)
            found: list[Candidate] = []
            for i, number in enumerate(wanted):
                candidate = self._available(conn, number, limits)
                if candidate is None:
                    problems.invalid(
                        f"/phone_numbers/{i}/phone_number", f"{number} is not available to order."
                    )
                else:
                    found.append(candidate)
            problems.raise_if_any()
            save_limits(conn, limits)
            due = now + self.book.processing_seconds
            result = self.book.purchase(conn, found, settings, now, due=due)
        return self.get(result["number_order_id"])

    def _available(
        self, conn: sqlite3.Connection, number: str, limits: list[Limit]
    ) -> Candidate | None:
        if conn.execute("SELECT 1 FROM phone_numbers WHERE phone_number = ?", (number,)).fetchone():
            return None
        for area in self.inventory.locate(number):
            index = area.index_of(number[2:])
            applying = [cap for cap in limits if cap.applies_to(area, area.country)]
            if index is None or any(cap.remaining <= 0 for cap in applying):
                continue
            for cap in applying:
                cap.remaining -= 1
            return Candidate(number, area, index, area.features(index))
        return None
