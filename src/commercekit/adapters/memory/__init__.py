"""In-memory adapters: every port of commercekit, kept in process memory.

They suit tests, demos and prototypes: nothing to set up, nothing kept after
the process ends. :class:`InMemoryStore` holds the data; each
:class:`InMemoryUnitOfWork` is one transaction over it.
"""

from commercekit.adapters.memory._cart import (
    InMemoryCartRepository,
    InMemoryWishlistRepository,
)
from commercekit.adapters.memory._catalog import InMemoryProductRepository
from commercekit.adapters.memory._inventory import InMemoryStockStore
from commercekit.adapters.memory._orders import (
    InMemoryOrderNumberSequence,
    InMemoryOrderRepository,
)
from commercekit.adapters.memory._payments import InMemoryPaymentRepository
from commercekit.adapters.memory._pricing import InMemoryPriceListRepository
from commercekit.adapters.memory._promotions import (
    InMemoryCouponUsage,
    InMemoryPromotionRepository,
)
from commercekit.adapters.memory._search import InMemoryProductSearch
from commercekit.adapters.memory._unit_of_work import InMemoryStore, InMemoryUnitOfWork

__all__ = [
    "InMemoryCartRepository",
    "InMemoryCouponUsage",
    "InMemoryOrderNumberSequence",
    "InMemoryOrderRepository",
    "InMemoryPaymentRepository",
    "InMemoryPriceListRepository",
    "InMemoryProductRepository",
    "InMemoryProductSearch",
    "InMemoryPromotionRepository",
    "InMemoryStockStore",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "InMemoryWishlistRepository",
]
