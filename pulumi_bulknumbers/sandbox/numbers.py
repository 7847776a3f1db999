"""Owned phone numbers: list with filters, get, update, delete, messaging settings. No HTTP."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError
from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.inventory import SMS, feature_names
from pulumi_bulknumbers.sandbox.render import compact, isoformat
from pulumi_bulknumbers.sandbox.validation import Problems, optional_string

__all__ = ["NumberBook", "number_filters", "render_number", "validate_changes"]

STATUSES = (
    "purchase-pending", "purchase-failed", "port-pending", "active", "deleted", "port-failed",
    "emergency-only", "ported-out", "port-out-pending",
)  # fmt: skip
_SORTS = {
    "purchased_at": "created_at, rid",
    "phone_number": "phone_number",
    "connection_name": "connection_id, rid",
    "usage_payment_method": "rid",
}
_STRING_FIELDS = ("billing_group_id", "connection_id", "customer_reference", "external_pin")


def render_number(row: sqlite3.Row, *, deleted: bool = False) -> dict[str, Any]:
    """A ``PhoneNumberDetailed``, or the ``PhoneNumberDeletedDetailed`` DELETE answers."""
    body = {
        "id": row["id"],
        "record_type": "phone_number",
        "phone_number": row["phone_number"],
        "status": row["status"],
        "phone_number_type": row["number_type"],
        "country_iso_alpha2": row["country"],
        "tags": json.loads(row["tags"]),
        "connection_id": row["connection_id"],
        "connection_name": None,
        "customer_reference": row["customer_reference"],
        "billing_group_id": row["billing_group_id"],
        "messaging_profile_id": row["messaging_profile_id"],
        "messaging_profile_name": None,
        "external_pin": row["external_pin"],
        "deletion_lock_enabled": bool(row["deletion_lock"]),
        "emergency_enabled": False,
        "emergency_status": "disabled",
        "emergency_address_id": None,
        "call_forwarding_enabled": True,
        "call_recording_enabled": False,
        "caller_id_name_enabled": False,
        "cnam_listing_enabled": False,
        "hd_voice_enabled": bool(row["hd_voice"]),
        "t38_fax_gateway_enabled": False,
        "inbound_call_screening": "disabled",
        "source_type": "number_order",
        "purchased_at": isoformat(row["created_at"]),
        "created_at": isoformat(row["created_at"]),
        "updated_at": isoformat(row["updated_at"]),
        "activated_at": isoformat(row["activated_at"]) if row["activated_at"] else None,
    }
    if deleted:
        # The deleted schema types these as plain strings: absent rather than null.
        return {**compact(body), "activated_at": body["activated_at"]}
    return body


def number_filters(filters: Mapping[str, str]) -> tuple[str, list[str]]:
    """SQL ``WHERE`` text and arguments for the ``filter[...]`` of ``/phone_numbers``."""
    where, args = [], []
    if "phone_number" in filters:
        digits = filters["phone_number"].removeprefix("+")
        if not digits.isdigit():
            where.append("0")  # Telnyx: non-numeric characters match nothing.
        elif len(digits) < 3:
            raise ApiError.of(
                422, "10015", "filter[phone_number] needs at least three digits.",
                parameter="filter[phone_number]",
            )  # fmt: skip
        else:
            where.append("phone_number LIKE ?")
            args.append(f"%{digits}%")
    status = filters.get("status", "").replace("_", "-")
    if status and status not in STATUSES:
        raise ApiError.of(
            422, "10015", f"filter[status] must be one of: {', '.join(STATUSES)}.",
            parameter="filter[status]",
        )  # fmt: skip
    where.append("status = ?" if status else "status != ?")
    args.append(status or "deleted")
    for key in ("connection_id", "billing_group_id", "customer_reference"):
        if key in filters:
            null = filters[key] == "null" and key != "customer_reference"
            where.append(f"{key} IS NULL" if null else f"{key} = ?")
            args.extend([] if null else [filters[key]])
    if "tag" in filters:
        where.append("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)")
        args.append(filters["tag"])
    if filters.get("without_tags") == "true":
        where.append("tags = '[]'")
    if "country_iso_alpha2" in filters:
        countries = filters["country_iso_alpha2"].split(",")
        where.append(f"country IN ({', '.join('?' * len(countries))})")
        args.extend(countries)
    if "number_type[eq]" in filters:
        where.append("number_type = ?")
        args.append(filters["number_type[eq]"])
    if filters.get("emergency_address_id", "null") != "null" or filters.get("source") == "ported":
        where.append("0")  # sandbox numbers are purchased and have no emergency address
    return " AND ".join(where) or "1", args


def validate_changes(body: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """The phone-number settings of an update body (unknown members are ignored)."""
    changes: dict[str, Any] = {}
    for key in (*_STRING_FIELDS, "address_id"):
        if key in body:
            changes[key] = optional_string(body, key, "", problems)
    for key in ("hd_voice_enabled", "deletion_lock_enabled"):
        if key in body:
            if isinstance(body[key], bool):
                changes[key] = body[key]
            else:
                problems.invalid(f"/{key}", f"'{key}' must be a boolean.")
    if "tags" in body:
        tags = body["tags"]
        if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
            changes["tags"] = list(dict.fromkeys(tags))
        else:
            problems.invalid("/tags", "'tags' must be a list of strings.")
    return changes


def apply_changes(
    conn: sqlite3.Connection, number_id: str, changes: Mapping[str, Any], now: float
) -> None:
    """Write validated settings to one number."""
    columns = {"deletion_lock_enabled": "deletion_lock", "hd_voice_enabled": "hd_voice"}
    sets: list[str] = ["updated_at = ?"]
    args: list[object] = [now]
    for key, value in changes.items():
        sets.append(f"{columns.get(key, key)} = ?")
        args.append(json.dumps(value) if key == "tags" else value)
    conn.execute(f"UPDATE phone_numbers SET {', '.join(sets)} WHERE id = ?", (*args, number_id))


class NumberBook:
    """The account's phone numbers over a ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def row(self, ident: str, *, e164: bool = False) -> sqlite3.Row:
        """A live number by id (or by E.164 where allowed); 400 for a malformed id, 404."""
        by_number = e164 and ident.startswith("+")
        if not by_number and not ident.isdigit():
            raise ApiError.of(
                400, "10006", f"{ident!r} is not a valid phone number id.", parameter="id"
            )
        column = "phone_number" if by_number else "id"
        row: sqlite3.Row | None = self.store.conn.execute(
            f"SELECT * FROM phone_numbers WHERE {column} = ? AND status != 'deleted'", (ident,)
        ).fetchone()
        if row is None:
            raise ApiError.not_found("Phone number", ident)
        return row

    def list_numbers(
        self, filters: Mapping[str, str], sort: str | None, number: int, size: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of numbers and the total; newest first unless ``sort`` says otherwise."""
        if sort is not None and sort not in _SORTS:
            raise ApiError.of(
                422, "10015", "The value provided for sorting is not valid.", parameter="sort"
            )
        where, args = number_filters(filters)
        order = _SORTS[sort] if sort else "created_at DESC, rid DESC"
        with self.store.lock:
            conn = self.store.conn
            total = conn.execute(f"SELECT COUNT(*) FROM phone_numbers WHERE {where}", args)
            count = int(total.fetchone()[0])
            rows = conn.execute(
                f"SELECT * FROM phone_numbers WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                (*args, size, (number - 1) * size),
            ).fetchall()
        return [render_number(row) for row in rows], count

    def get(self, ident: str) -> dict[str, Any]:
        """One live number."""
        with self.store.lock:
            return render_number(self.row(ident))

    def update(self, ident: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH with ``UpdatePhoneNumberRequest`` members."""
        problems = Problems()
        changes = validate_changes(body, problems)
        changes.pop("deletion_lock_enabled", None)  # not a member of UpdatePhoneNumberRequest
        with self.store.tx() as conn:
            row = self.row(ident)
            problems.raise_if_any()
            apply_changes(conn, row["id"], changes, self.store.now())
            return render_number(self.row(row["id"]))

    def delete(self, ident: str) -> dict[str, Any]:
        """Release a number; 422 while its deletion lock is on."""
        with self.store.tx() as conn:
            row = self.row(ident)
            if row["deletion_lock"]:
                raise ApiError.of(
                    422, "10015",
                    f"{row['phone_number']} has deletion lock enabled; disable it to delete.",
                    title="Deletion lock enabled", pointer="/deletion_lock_enabled",
                )  # fmt: skip
            conn.execute(
                "UPDATE phone_numbers SET status = 'deleted', updated_at = ? WHERE id = ?",
                (self.store.now(), row["id"]),
            )
            deleted = conn.execute("SELECT * FROM phone_numbers WHERE id = ?", (row["id"],))
            return render_number(deleted.fetchone(), deleted=True)

    def messaging(self, ident: str) -> dict[str, Any]:
        """``PhoneNumberWithMessagingSettings`` (by id or E.164)."""
        with self.store.lock:
            row = self.row(ident, e164=True)
        sms = row["features"] & SMS
        feature_set = {
            "domestic_two_way": True,
            "international_inbound": True,
            "international_outbound": True,
        }
        return compact(
            {
                "id": row["id"],
                "record_type": "messaging_settings",
                "phone_number": row["phone_number"],
                "messaging_profile_id": row["messaging_profile_id"],
                "messaging_product": row["messaging_product"],
                "country_code": row["country"],
                "type": "toll-free" if row["number_type"] == "toll_free" else "long-code",
                "eligible_messaging_products": ["A2P", "P2P"] if sms else [],
                "traffic_type": row["messaging_product"],
                "features": {
                    "sms": feature_set if sms else None,
                    "mms": feature_set if "mms" in feature_names(row["features"]) else None,
                },
                "tags": json.loads(row["tags"]),
                "created_at": isoformat(row["created_at"]),
                "updated_at": isoformat(row["updated_at"]),
            }
        ) | {"messaging_profile_id": row["messaging_profile_id"]}

    def update_messaging(self, ident: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH messaging settings: null keeps a value, ``""`` unassigns the profile."""
        problems = Problems()
        profile = optional_string(body, "messaging_profile_id", "", problems)
        product = optional_string(body, "messaging_product", "", problems)
        changes = {k: v for k, v in validate_changes(body, problems).items() if k == "tags"}
        with self.store.tx() as conn:
            row = self.row(ident, e164=True)
            problems.raise_if_any()
            if profile is not None:
                changes["messaging_profile_id"] = profile or None
            if product is not None:
                changes["messaging_product"] = product
            apply_changes(conn, row["id"], changes, self.store.now())
        return self.messaging(row["id"])

    def owned(self) -> list[str]:
        """Every live number's E.164, sorted."""
        with self.store.lock:
            rows = self.store.conn.execute(
                "SELECT phone_number FROM phone_numbers WHERE status != 'deleted' "
                "ORDER BY phone_number"
            ).fetchall()
        return [row[0] for row in rows]

    def set_deletion_lock(self, ident: str, enabled: bool) -> None:
        """Turn a number's deletion lock on or off (by id or E.164), as the portal would."""
        with self.store.tx() as conn:
            row = self.row(ident, e164=True)
            apply_changes(conn, row["id"], {"deletion_lock_enabled": enabled}, self.store.now())
