"""SQLite adapters: every port of commercekit, stored with :mod:`sqlite3`.

A real store that needs no server and no setup: :class:`SQLiteDatabase` opens
(or creates) a database file and migrates its schema; each
:class:`SQLiteUnitOfWork` is one ``BEGIN IMMEDIATE`` transaction over it.
Queried fields are indexed columns; events wait in an ``outbox`` table until
they are published.
"""

from commercekit.adapters.sqlite._cart import (
    SQLiteCartRepository,
    SQLiteWishlistRepository,
)
from commercekit.adapters.sqlite._catalog import SQLiteProductRepository
from commercekit.adapters.sqlite._database import SQLiteDatabase
from commercekit.adapters.sqlite._inventory import SQLiteStockStore
from commercekit.adapters.sqlite._migrations import MIGRATIONS, Migration
from commercekit.adapters.sqlite._orders import (
    SQLiteOrderNumberSequence,
    SQLiteOrderRepository,
)
from commercekit.adapters.sqlite._payments import SQLitePaymentRepository
from commercekit.adapters.sqlite._pricing import SQLitePriceListRepository
from commercekit.adapters.sqlite._promotions import (
    SQLiteCouponUsage,
    SQLitePromotionRepository,
)
from commercekit.adapters.sqlite._search import SQLiteProductSearch, match_expression
from commercekit.adapters.sqlite._unit_of_work import (
    SQLiteUnitOfWork,
    event_type_name,
    resolve_event_type,
)

__all__ = [
    "MIGRATIONS",
    "Migration",
    "SQLiteCartRepository",
    "SQLiteCouponUsage",
    "SQLiteDatabase",
    "SQLiteOrderNumberSequence",
    "SQLiteOrderRepository",
    "SQLitePaymentRepository",
    "SQLitePriceListRepository",
    "SQLiteProductRepository",
    "SQLiteProductSearch",
    "SQLitePromotionRepository",
    "SQLiteStockStore",
    "SQLiteUnitOfWork",
    "SQLiteWishlistRepository",
    "event_type_name",
    "match_expression",
    "resolve_event_type",
]
