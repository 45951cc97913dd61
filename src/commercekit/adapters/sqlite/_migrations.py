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
    Migration(
        3,
        "catalog search: variant documents, their values, prices and words",
        (
            """
        CREATE TABLE search_documents (
            doc_id INTEGER PRIMARY KEY,
            sku TEXT NOT NULL UNIQUE,
            product_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            brand TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
            "CREATE INDEX search_documents_product ON search_documents (product_id)",
            """
        CREATE TABLE search_values (
            doc_id INTEGER NOT NULL
                REFERENCES search_documents (doc_id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (doc_id, key, value)
        ) WITHOUT ROWID
        """,
            "CREATE INDEX search_values_key ON search_values (key, value)",
            """
        CREATE TABLE search_prices (
            doc_id INTEGER NOT NULL
                REFERENCES search_documents (doc_id) ON DELETE CASCADE,
            currency TEXT NOT NULL,
            amount TEXT NOT NULL,
            amount_minor INTEGER NOT NULL,
            PRIMARY KEY (doc_id, currency)
        ) WITHOUT ROWID
        """,
            "CREATE INDEX search_prices_amount "
            "ON search_prices (currency, amount_minor)",
            """
        CREATE TABLE search_categories (
            doc_id INTEGER NOT NULL
                REFERENCES search_documents (doc_id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            PRIMARY KEY (doc_id, category)
        ) WITHOUT ROWID
        """,
            "CREATE INDEX search_categories_path ON search_categories (category)",
            """
        CREATE VIRTUAL TABLE search_text USING fts5 (
            name, brand, body, tokenize = 'unicode61 remove_diacritics 2'
        )
        """,
            """
        CREATE TRIGGER search_documents_deleted AFTER DELETE ON search_documents
        BEGIN
            DELETE FROM search_text WHERE rowid = old.doc_id;
        END
        """,
        ),
    ),
    Migration(
        4,
        "pricing: price lists, their prices, and the history of base prices",
        (
            """
        CREATE TABLE price_lists (
            list_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            currency TEXT NOT NULL,
            mode TEXT NOT NULL,
            name TEXT NOT NULL,
            priority INTEGER NOT NULL,
            channel TEXT,
            customer_group TEXT,
            valid_from TEXT,
            valid_until TEXT
        )
        """,
            """
        CREATE TABLE list_prices (
            list_id TEXT NOT NULL
                REFERENCES price_lists (list_id) ON DELETE CASCADE,
            sku TEXT NOT NULL,
            tiers TEXT NOT NULL,
            since TEXT NOT NULL,
            base_amount TEXT NOT NULL,
            PRIMARY KEY (list_id, sku)
        ) WITHOUT ROWID
        """,
            "CREATE INDEX list_prices_sku ON list_prices (sku)",
            """
        CREATE TABLE price_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            list_id TEXT NOT NULL REFERENCES price_lists (list_id),
            sku TEXT NOT NULL,
            amount TEXT NOT NULL,
            currency TEXT NOT NULL,
            changed_at TEXT NOT NULL
        )
        """,
            "CREATE INDEX price_history_sku "
            "ON price_history (list_id, sku, changed_at)",
        ),
    ),
    Migration(
        5,
        "promotions: coupons, their use counts, and their redemptions",
        (
            """
        CREATE TABLE coupons (
            code TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            promotion_id TEXT NOT NULL,
            valid_from TEXT,
            valid_until TEXT,
            usage_limit INTEGER CHECK (usage_limit IS NULL OR usage_limit >= 0),
            per_customer_limit INTEGER
                CHECK (per_customer_limit IS NULL OR per_customer_limit >= 0),
            uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
            CONSTRAINT coupon_within_limit
                CHECK (usage_limit IS NULL OR uses <= usage_limit),
            CONSTRAINT coupon_window
                CHECK (valid_from IS NULL OR valid_until IS NULL
                       OR valid_from < valid_until)
        )
        """,
            """
        CREATE TABLE coupon_redemptions (
            code TEXT NOT NULL REFERENCES coupons (code),
            order_id TEXT NOT NULL,
            customer TEXT NOT NULL,
            redeemed_at TEXT NOT NULL,
            released_at TEXT,
            PRIMARY KEY (code, order_id)
        ) WITHOUT ROWID
        """,
            # Covers the count of a customer's active redemptions; a partial
            # index (WHERE released_at IS NULL) is not chosen without ANALYZE.
            "CREATE INDEX coupon_redemptions_customer "
            "ON coupon_redemptions (code, customer, released_at)",
        ),
    ),
    Migration(
        6,
        "promotions: the promotions as data, and what their budgets spent",
        (
            # Amounts of the budget and of what was spent are whole minor
            # units (cents), so that SQL adds and compares them exactly.
            """
        CREATE TABLE promotions (
            promotion_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            priority INTEGER NOT NULL,
            valid_from TEXT,
            valid_until TEXT,
            budget_currency TEXT,
            budget_minor INTEGER,
            spent_currency TEXT,
            spent_minor INTEGER,
            data TEXT NOT NULL,
            CONSTRAINT promotion_budget
                CHECK ((budget_currency IS NULL) = (budget_minor IS NULL)
                       AND (budget_minor IS NULL OR budget_minor >= 0)),
            CONSTRAINT promotion_spent
                CHECK ((spent_currency IS NULL) = (spent_minor IS NULL)
                       AND (spent_minor IS NULL OR spent_minor >= 0)),
            CONSTRAINT promotion_within_budget
                CHECK (budget_minor IS NULL OR spent_minor IS NULL
                       OR (spent_currency = budget_currency
                           AND spent_minor <= budget_minor))
        )
        """,
            "CREATE INDEX promotions_valid_from ON promotions (valid_from)",
            "CREATE INDEX promotions_valid_until ON promotions (valid_until)",
        ),
    ),
    Migration(
        7,
        "inventory: stock levels, reservations and the stock ledger",
        (
            # Reserved may pass on hand only by backorders; neither is ever
            # below zero. A reservation is conditional on what is available
            # in the same UPDATE that takes it.
            """
        CREATE TABLE stock_levels (
            sku TEXT NOT NULL,
            location TEXT NOT NULL,
            on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
            reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
            PRIMARY KEY (sku, location)
        ) WITHOUT ROWID
        """,
            """
        CREATE TABLE stock_reservations (
            reservation_id TEXT PRIMARY KEY,
            sku TEXT NOT NULL,
            location TEXT NOT NULL,
            quantity INTEGER NOT NULL CHECK (quantity >= 1),
            reference TEXT NOT NULL,
            backorder INTEGER NOT NULL CHECK (backorder IN (0, 1)),
            reserved_at TEXT NOT NULL,
            expires_at TEXT,
            released_at TEXT,
            committed_at TEXT,
            FOREIGN KEY (sku, location) REFERENCES stock_levels (sku, location),
            CONSTRAINT stock_reservation_ends_once
                CHECK (released_at IS NULL OR committed_at IS NULL)
        )
        """,
            "CREATE INDEX stock_reservations_expiry ON stock_reservations (expires_at)",
            "CREATE INDEX stock_reservations_reference "
            "ON stock_reservations (reference)",
            """
        CREATE TABLE stock_movements (
            movement_id INTEGER PRIMARY KEY,
            sku TEXT NOT NULL,
            location TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('receipt', 'reservation',
                'release', 'commit', 'return', 'adjustment')),
            quantity INTEGER NOT NULL CHECK (quantity <> 0),
            reference TEXT,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            CONSTRAINT stock_movement_sign
                CHECK (quantity > 0 OR kind = 'adjustment')
        )
        """,
            "CREATE INDEX stock_movements_sku "
            "ON stock_movements (sku, at, movement_id)",
        ),
    ),
    Migration(
        8,
        "an index for the stock held by the active reservations of a SKU",
        (
            "CREATE INDEX stock_reservations_active ON stock_reservations "
            "(sku, location, backorder) "
            "WHERE released_at IS NULL AND committed_at IS NULL",
        ),
    ),
    Migration(
        9,
        "the cart: carts and wishlists",
        (
            # A cart's customer and last change are columns, for the
            # customer's cart and the expiry sweep; the rest is JSON. The
            # times are fixed-width UTC text, so text order is time order.
            """
        CREATE TABLE carts (
            cart_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            customer_id TEXT,
            updated_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """,
            "CREATE INDEX carts_customer ON carts (customer_id, updated_at)",
            "CREATE INDEX carts_updated ON carts (updated_at)",
            # A customer has one wishlist; guests (NULL) any number.
            """
        CREATE TABLE wishlists (
            wishlist_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            customer_id TEXT UNIQUE,
            updated_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """,
        ),
    ),
    Migration(
        10,
        "payments: payments, their idempotency keys, and provider notifications",
        (
            # The order, the provider's reference, the status and the
            # version are columns (the status and version columns are the
            # truth); the rest of a payment is JSON. A provider reference
            # belongs to one payment; payments without one are any number.
            # The status is checked when a payment is loaded, not here, so
            # that a later state needs no migration.
            """
        CREATE TABLE payments (
            payment_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            order_id TEXT NOT NULL,
            provider_reference TEXT,
            status TEXT NOT NULL,
            currency TEXT NOT NULL,
            created_at TEXT NOT NULL,
            authorization_expires_at TEXT,
            data TEXT NOT NULL
        )
        """,
            "CREATE INDEX payments_lapsing ON payments "
            "(authorization_expires_at, payment_id) WHERE status = 'authorized'",
            "CREATE INDEX payments_order "
            "ON payments (order_id, created_at, payment_id)",
            "CREATE UNIQUE INDEX payments_provider_reference "
            "ON payments (provider_reference) WHERE provider_reference IS NOT NULL",
            # One row per idempotency key; the result stays NULL until the
            # provider's answer is stored, and the first answer stays.
            """
        CREATE TABLE payment_idempotency (
            key TEXT PRIMARY KEY,
            operation TEXT NOT NULL,
            payment_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            created_at TEXT NOT NULL,
            amount TEXT,
            currency TEXT,
            result TEXT,
            CHECK ((amount IS NULL) = (currency IS NULL))
        )
        """,
            "CREATE INDEX payment_idempotency_payment "
            "ON payment_idempotency (payment_id)",
            """
        CREATE TABLE payment_notifications (
            event_id TEXT PRIMARY KEY,
            received_at TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        ),
    ),
    Migration(
        11,
        "orders: the orders, and the counter of their numbers",
        (
            # The queried fields are columns (the status and version columns
            # are the truth); the rest of an order is JSON. An order number
            # and a checkout token each belong to one order, so two checkouts
            # with one token make one order even when they race. The status
            # is checked when an order is loaded, not here, so that an
            # extended lifecycle's statuses need no migration. The times are
            # fixed-width UTC text, so text order is time order.
            """
        CREATE TABLE orders (
            order_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL CHECK (version >= 1),
            number TEXT NOT NULL UNIQUE,
            checkout_token TEXT NOT NULL UNIQUE,
            customer_id TEXT,
            cart_id TEXT NOT NULL,
            status TEXT NOT NULL,
            placed_at TEXT NOT NULL,
            payment_due_by TEXT,
            data TEXT NOT NULL
        )
        """,
            # Each query's filter, then its order (newest first; by id on a tie).
            "CREATE INDEX orders_customer ON orders (customer_id, placed_at, order_id)",
            "CREATE INDEX orders_status ON orders (status, placed_at, order_id)",
            "CREATE INDEX orders_placed ON orders (placed_at, order_id)",
            "CREATE INDEX orders_cart ON orders (cart_id, status)",
            "CREATE INDEX orders_payment_due "
            "ON orders (status, payment_due_by, order_id)",
            # One row per sequence, raised in the transaction that takes a
            # number: a rolled-back number is given again, a committed never.
            """
        CREATE TABLE order_numbers (
            name TEXT PRIMARY KEY,
            last INTEGER NOT NULL CHECK (last >= 0)
        ) WITHOUT ROWID
        """,
            "INSERT INTO order_numbers (name, last) VALUES ('orders', 0)",
        ),
    ),
)
"""The schema of commercekit's SQLite adapters, one step per version.

Each context appends the steps that create its tables; a step, once released,
never changes."""
