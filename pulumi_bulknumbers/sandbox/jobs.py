"""Phone-number batch jobs (delete, update) and messaging bulk updates. No HTTP here.

A job resolves its numbers when created (the caller must own every one) and then applies its
operations over ``job_seconds``: operation ``k`` of ``n`` falls due at
``created + job_seconds * (k + 1) / n``, and ``advance(now)`` applies whatever is due, so polls
see pending operations move to successful or failed ones.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from pulumi_bulknumbers.sandbox.apierror import ApiError, ErrorItem
from pulumi_bulknumbers.sandbox.chaos import doomed, transient_error
from pulumi_bulknumbers.sandbox.db import Store
from pulumi_bulknumbers.sandbox.numbers import apply_changes, number_filters, validate_changes
from pulumi_bulknumbers.sandbox.render import isoformat
from pulumi_bulknumbers.sandbox.validation import Problems, optional_string

__all__ = ["MAX_JOB_NUMBERS", "MAX_OPEN_JOBS", "JobBook"]

MAX_JOB_NUMBERS = 1_000
MAX_OPEN_JOBS = 20
MESSAGING = "messaging_bulk_update"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class JobBook:
    """Batch jobs and messaging bulk updates over a ``Store``."""

    def __init__(self, store: Store, job_seconds: float) -> None:
        self.store = store
        self.job_seconds = job_seconds

    # -- creation ----------------------------------------------------------------------------

    def create(
        self,
        kind: str,
        body: Mapping[str, Any],
        filters: Mapping[str, str],
        *,
        flaky: int | None = None,
    ) -> dict[str, Any]:
        """A ``delete_phone_numbers`` or ``update_phone_numbers`` job (validated, 422 else).

        With ``flaky`` (a ``job_partial_failure`` fault's seed), a seeded subset of the
        operations fails with a transient error instead of being applied.
        """
        problems = Problems()
        changes: dict[str, Any] = {}
        if kind == "update_phone_numbers":
            changes = validate_changes(body, problems)
            if "voice" in body:
                changes.pop("voice", None)  # accepted; the sandbox keeps no voice settings
            if not changes and "voice" not in body:
                problems.invalid(
                    "/updateable_fields", "You must provide at least 1 updateable field."
                )
        raw = body.get("phone_numbers")
        by_filter = raw is None and kind == "update_phone_numbers" and bool(filters)
        if raw is None and not by_filter:
            problems.invalid("/phone_numbers", "must be present")
        elif raw is not None:
            self._check_list(raw, problems)
        problems.raise_if_any()
        now = self.store.now()
        with self.store.tx() as conn:
            open_jobs = conn.execute(
                "SELECT COUNT(*) FROM jobs WHERE kind != ? AND applied < total", (MESSAGING,)
            ).fetchone()[0]
            if open_jobs >= MAX_OPEN_JOBS:
                problems.invalid(
                    "/base", f"You can have at most {MAX_OPEN_JOBS} pending or in progress jobs"
                )
                problems.raise_if_any()
            if by_filter:
                where, args = number_filters(filters)
                found = conn.execute(
                    f"SELECT id, phone_number FROM phone_numbers WHERE {where} "
                    "ORDER BY rid LIMIT ?",
                    (*args, MAX_JOB_NUMBERS),
                ).fetchall()
                requested = [{"id": row[0]} for row in found]
            else:
                found, requested = self._resolve(conn, list(raw or []), problems)
            # A third member marks an operation doomed to a transient failure.
            failing = doomed(len(found), flaky) if flaky is not None else set()
            operations = [
                [row[0], row[1], *([1] if k in failing else [])] for k, row in enumerate(found)
            ]
            return self._render(self._insert(conn, kind, now, changes, requested, operations))

    @staticmethod
    def _check_list(raw: object, problems: Problems) -> None:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            problems.invalid("/phone_numbers", "'phone_numbers' must be a list of strings.")
        elif not raw:
            problems.invalid("/phone_numbers", "You must provide at least 1 phone number.")
        elif len(raw) > MAX_JOB_NUMBERS:
            problems.invalid("/phone_numbers", f"{MAX_JOB_NUMBERS} numbers is the maximum allowed.")
        elif len({item.startswith("+") for item in raw}) > 1:
            problems.invalid(
                "/phone_numbers",
                "You must specify either all phone numbers in the e164 format or all as phone "
                "number ids",
            )
        elif not all(item.isdigit() or _E164.fullmatch(item) for item in raw):
            problems.invalid("/phone_numbers", "Each entry must be a phone number id or +E.164.")

    @staticmethod
    def _resolve(
        conn: sqlite3.Connection, raw: list[str], problems: Problems
    ) -> tuple[list[sqlite3.Row], list[dict[str, str]]]:
        column = "phone_number" if raw[0].startswith("+") else "id"
        unique = list(dict.fromkeys(raw))
        found = []
        for item in unique:
            row = conn.execute(
                f"SELECT id, phone_number FROM phone_numbers WHERE {column} = ? "
                "AND status != 'deleted'",
                (item,),
            ).fetchone()
            if row is None:
                problems.invalid("/phone_numbers", "You must own every number in the bulk request")
                problems.raise_if_any()
            found.append(row)
        key = "phone_number" if column == "phone_number" else "id"
        return found, [{key: item} for item in unique]

    def _insert(
        self,
        conn: sqlite3.Connection,
        kind: str,
        now: float,
        changes: Mapping[str, Any],
        requested: list[dict[str, str]],
        operations: list[list[str]],
    ) -> sqlite3.Row:
        job_id = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO jobs (id, kind, created_at, due_at, changes, requested, operations, "
            "outcomes, total, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (job_id, kind, now, now + self.job_seconds, json.dumps(changes),
             json.dumps(requested), json.dumps(operations),
             json.dumps([None] * len(operations)), len(operations), now),
        )  # fmt: skip
        row: sqlite3.Row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return row

    def create_messaging(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A messaging bulk update; numbers the account does not own end up in ``failed``."""
        problems = Problems()
        if body.get("messaging_profile_id") is None:
            problems.missing("/messaging_profile_id")
        profile = optional_string(body, "messaging_profile_id", "", problems)
        numbers = body.get("numbers")
        if numbers is None:
            problems.missing("/numbers")
        elif not (
            isinstance(numbers, list)
            and numbers
            and all(isinstance(n, str) and _E164.fullmatch(n) for n in numbers)
        ):
            problems.invalid("/numbers", "'numbers' must be a non-empty list of +E.164 numbers.")
        problems.raise_if_any()
        assert isinstance(numbers, list)
        unique = list(dict.fromkeys(numbers))
        with self.store.tx() as conn:
            operations = []
            for number in unique:
                row = conn.execute(
                    "SELECT id FROM phone_numbers WHERE phone_number = ? AND status != 'deleted'",
                    (number,),
                ).fetchone()
                operations.append([row[0] if row else "", number])
            changes = {"messaging_profile_id": profile or None}
            requested = [{"phone_number": n} for n in unique]
            job = self._insert(conn, MESSAGING, self.store.now(), changes, requested, operations)
        return self.get_messaging(str(job["id"]))

    # -- progression -------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Apply every operation that is due at ``now``."""
        conn = self.store.conn
        with self.store.lock:
            if not conn.execute("SELECT 1 FROM jobs WHERE applied < total LIMIT 1").fetchone():
                return
            with self.store.tx():
                for job in conn.execute("SELECT * FROM jobs WHERE applied < total").fetchall():
                    self._progress(conn, job, now)

    def _progress(self, conn: sqlite3.Connection, job: sqlite3.Row, now: float) -> None:
        total, span = job["total"], job["due_at"] - job["created_at"]
        elapsed = now - job["created_at"]
        due = total if span <= 0 or elapsed >= span else math.floor(total * elapsed / span)
        if due <= job["applied"]:
            return
        operations = json.loads(job["operations"])
        outcomes = json.loads(job["outcomes"])
        changes = json.loads(job["changes"])
        for k in range(job["applied"], due):
            when = job["created_at"] + (span * (k + 1) / total if span > 0 else 0)
            outcomes[k] = self._apply(conn, job["kind"], operations[k], changes, when)
        updated = job["created_at"] + (span * due / total if span > 0 else 0)
        conn.execute(
            "UPDATE jobs SET outcomes = ?, applied = ?, updated_at = ? WHERE id = ?",
            (json.dumps(outcomes), due, updated, job["id"]),
        )

    @staticmethod
    def _apply(
        conn: sqlite3.Connection, kind: str, op: list[Any], changes: dict[str, Any], when: float
    ) -> list[dict[str, Any]]:
        """Run one operation; the errors it met ([] on success)."""
        if len(op) > 2:
            return [transient_error(op[1])]
        row = conn.execute(
            "SELECT * FROM phone_numbers WHERE id = ? AND status != 'deleted'", (op[0],)
        ).fetchone()
        if row is None:
            detail = f"{op[1]} is not a number on this account."
            return [ErrorItem("10005", detail, pointer="/phone_numbers").to_json()]
        if kind == "delete_phone_numbers":
            if row["deletion_lock"]:
                detail = f"{op[1]} has deletion lock enabled; disable it to delete."
                item = ErrorItem("10015", detail, "Deletion lock enabled", "/deletion_lock_enabled")
                return [item.to_json()]
            conn.execute(
                "UPDATE phone_numbers SET status = 'deleted', updated_at = ? WHERE id = ?",
                (when, op[0]),
            )
        else:
            apply_changes(conn, op[0], changes, when)
        return []

    # -- reads -------------------------------------------------------------------------------

    def _row(self, job_id: str, kind_clause: str) -> sqlite3.Row:
        row: sqlite3.Row | None = self.store.conn.execute(
            f"SELECT * FROM jobs WHERE id = ? AND {kind_clause}", (job_id, MESSAGING)
        ).fetchone()
        if row is None:
            raise ApiError.not_found("Job", job_id)
        return row

    def _render(self, job: sqlite3.Row) -> dict[str, Any]:
        operations = json.loads(job["operations"])
        outcomes = json.loads(job["outcomes"])
        ok, pending, failed = [], [], []
        for entry, errors in zip(operations, outcomes, strict=True):
            op = {"id": entry[0], "phone_number": entry[1]}
            if errors is None:
                pending.append(op)
            elif errors:
                failed.append({**op, "errors": errors})
            else:
                ok.append(op)
        if pending:
            status = "in_progress" if job["applied"] else "pending"
        else:
            status = "failed" if failed and not ok else "completed"
        return {
            "id": job["id"],
            "record_type": "phone_numbers_job",
            "type": job["kind"],
            "status": status,
            "phone_numbers": json.loads(job["requested"]),
            "successful_operations": ok,
            "pending_operations": pending,
            "failed_operations": failed,
            "etc": isoformat(job["due_at"]),
            "created_at": isoformat(job["created_at"]),
            "updated_at": isoformat(job["updated_at"]),
        }

    def get(self, job_id: str) -> dict[str, Any]:
        """One ``PhoneNumbersJob``; 404 when unknown."""
        with self.store.lock:
            return self._render(self._row(job_id, "kind != ?"))

    def list_jobs(
        self, kind: str | None, number: int, size: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of jobs, newest first, optionally of one type."""
        where = "kind != ?" + (" AND kind = ?" if kind else "")
        args = (MESSAGING, kind) if kind else (MESSAGING,)
        with self.store.lock:
            conn = self.store.conn
            total = int(
                conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {where}", args).fetchone()[0]
            )
            rows = conn.execute(
                f"SELECT * FROM jobs WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                (*args, size, (number - 1) * size),
            ).fetchall()
            return [self._render(row) for row in rows], total

    def get_messaging(self, order_id: str) -> dict[str, Any]:
        """One ``BulkMessagingSettingsUpdatePhoneNumbers``; 404 when unknown."""
        with self.store.lock:
            job = self._render(self._row(order_id, "kind = ?"))
        return {
            "order_id": order_id,
            "record_type": "messaging_numbers_bulk_update",
            "success": [op["phone_number"] for op in job["successful_operations"]],
            "pending": [op["phone_number"] for op in job["pending_operations"]],
            "failed": [op["phone_number"] for op in job["failed_operations"]],
        }
