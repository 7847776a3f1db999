"""SQLite storage for the sandbox: schema, connection and transactions (no business rules).

One ``Store`` wraps one connection, shared by the threads of one ``Sandbox`` under a lock.
Several ``Store`` objects, in one process or several, may open the same file: WAL mode lets
readers run beside a writer, and every write runs in ``BEGIN IMMEDIATE`` so that two writers
serialise instead of both deciding on stale reads.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bulk_orders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, created_at REAL NOT NULL,
    connection_id TEXT, messaging_profile_id TEXT, billing_group_id TEXT,
    customer_reference TEXT);
CREATE TABLE IF NOT EXISTS bulk_groups (
    order_id TEXT NOT NULL, position INTEGER NOT NULL, spec TEXT NOT NULL,
    processing_at REAL NOT NULL, due_at REAL NOT NULL, done INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending', count_allocated INTEGER NOT NULL DEFAULT 0,
    error_reason TEXT, orders TEXT NOT NULL DEFAULT '[]', updated_at REAL NOT NULL,
    PRIMARY KEY (order_id, position));
CREATE INDEX IF NOT EXISTS bulk_groups_due ON bulk_groups (done, due_at);
CREATE TABLE IF NOT EXISTS number_orders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, due_at REAL NOT NULL,
    connection_id TEXT, messaging_profile_id TEXT, billing_group_id TEXT,
    customer_reference TEXT, bulk_order_id TEXT);
CREATE INDEX IF NOT EXISTS number_orders_due ON number_orders (status, due_at);
CREATE TABLE IF NOT EXISTS sub_number_orders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    order_request_id TEXT NOT NULL, country_code TEXT NOT NULL,
    phone_number_type TEXT NOT NULL, customer_reference TEXT, user_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sub_number_orders_parent ON sub_number_orders (order_request_id);
CREATE TABLE IF NOT EXISTS phone_numbers (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, phone_number TEXT NOT NULL UNIQUE,
    npa TEXT NOT NULL, idx INTEGER NOT NULL, country TEXT NOT NULL, number_type TEXT NOT NULL,
    features INTEGER NOT NULL, administrative_area TEXT, locality TEXT,
    status TEXT NOT NULL, connection_id TEXT, messaging_profile_id TEXT,
    messaging_product TEXT, billing_group_id TEXT, customer_reference TEXT,
    tags TEXT NOT NULL DEFAULT '[]', deletion_lock INTEGER NOT NULL DEFAULT 0,
    external_pin TEXT, hd_voice INTEGER NOT NULL DEFAULT 0, address_id TEXT,
    number_order_id TEXT NOT NULL, sub_number_order_id TEXT NOT NULL,
    order_number_id TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    activated_at REAL);
CREATE INDEX IF NOT EXISTS phone_numbers_area ON phone_numbers (npa, idx);
CREATE INDEX IF NOT EXISTS phone_numbers_order ON phone_numbers (number_order_id);
CREATE INDEX IF NOT EXISTS phone_numbers_sub ON phone_numbers (sub_number_order_id);
CREATE INDEX IF NOT EXISTS phone_numbers_reference
    ON phone_numbers (customer_reference, created_at DESC, rid DESC);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    created_at REAL NOT NULL, due_at REAL NOT NULL, changes TEXT NOT NULL,
    requested TEXT NOT NULL, operations TEXT NOT NULL, outcomes TEXT NOT NULL,
    applied INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_open ON jobs (applied, total);
CREATE TABLE IF NOT EXISTS inventory_limits (
    country TEXT NOT NULL, number_type TEXT NOT NULL, ndc TEXT NOT NULL,
    administrative_area TEXT NOT NULL, remaining INTEGER NOT NULL,
    PRIMARY KEY (country, number_type, ndc, administrative_area));
"""

TABLES = (
    "bulk_orders",
    "bulk_groups",
    "number_orders",
    "sub_number_orders",
    "phone_numbers",
    "jobs",
    "inventory_limits",
)


class Store:
    """One SQLite connection with a lock, a clock and an immediate-transaction helper."""

    def __init__(self, db: str | os.PathLike[str], clock: Callable[[], float]) -> None:
        self.path = str(db)
        self.clock = clock
        self.lock = threading.RLock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN ourselves; check_same_thread off, the lock guards.
        self.conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 30000")
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        # executescript commits on its own; IF NOT EXISTS makes concurrent creation harmless.
        with self.lock:
            self.conn.executescript(_SCHEMA)

    def now(self) -> float:
        """The injected clock's time."""
        return self.clock()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds SQLite's write lock from its start."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def meta(self, key: str, default: str) -> str:
        """A persisted setting; the first writer's value wins (e.g. the inventory seed)."""
        with self.tx() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, default))
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"])

    def counts(self) -> dict[str, int]:
        """Rows per table: a cheap fingerprint of the state."""
        with self.lock:
            return {
                table: int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in TABLES
            }

    def dump(self) -> dict[str, list[dict[str, object]]]:
        """Every row of every table, in insertion order: the whole state, for comparisons."""
        with self.lock:
            return {
                table: [dict(row) for row in self.conn.execute(f"SELECT * FROM {table}")]
                for table in TABLES
            }

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self.lock:
            self.conn.close()
