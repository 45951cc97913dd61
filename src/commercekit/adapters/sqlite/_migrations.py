"""The schema of the SQLite adapters: one ordered list of steps."""

from __future__ import annotations

import attrs

__all__ = ["MIGRATIONS", "Migration"]


@attrs.frozen
class Migration:
    """One step of the schema: the statements that take it to ``version``.

    Args:
        version: The schema version after this step; steps count 1, 2, 3, ...
        description: What the step adds, for people.
        statements: SQL statements, run in order in one transaction.
    """

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "the outbox of domain events",
        (
            """
            CREATE TABLE outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL UNIQUE,
                event_type TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                payload TEXT NOT NULL,
                dispatched_at TEXT
            )
            """,
            """
            CREATE INDEX outbox_pending ON outbox (sequence)
            WHERE dispatched_at IS NULL
            """,
        ),
    ),
    Migration(
        2,
        "the catalog: products and the SKUs of their variants",
        (
            """
        CREATE TABLE catalog_products (
            product_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            active INTEGER NOT NULL,
            brand TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """,
            """
        CREATE TABLE catalog_variants (
            sku TEXT PRIMARY KEY,
            product_id TEXT NOT NULL
                REFERENCES catalog_products (product_id) ON DELETE CASCADE,
            gtin TEXT
        )
        """,
            "CREATE INDEX catalog_variants_product ON catalog_variants (product_id)",
            "CREATE INDEX catalog_products_created ON catalog_products (created_at)",
        ),
    ),
)
"""The schema of commercekit's SQLite adapters, one step per version.

Each context appends the steps that create its tables; a step, once released,
never changes."""
