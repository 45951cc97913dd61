"""Contract suites: the behaviour every adapter of a port must show.

Each suite is a class named ``<Port>Contract`` with one abstract factory. To
check an adapter, subclass the suite in a test module under a name pytest
collects (``Test...``) and implement the factory; every test of the suite then
runs against that adapter. commercekit runs the same suites against its own
adapters, so an application's adapter that passes them behaves like those.

Example, for a unit of work of your own::

    class TestMyUnitOfWork(UnitOfWorkContract):
        def make_unit_of_work_factory(self, tmp_path):
            database = MyDatabase(tmp_path / "shop.db")
            return lambda publisher: MyUnitOfWork(database, publisher=publisher)

Needs pytest.
"""

from commercekit.testing.contracts._cart import (
    CartRepositoryContract,
    CartUnitOfWorkFactory,
    WishlistRepositoryContract,
    sample_cart,
    sample_wishlist,
)
from commercekit.testing.contracts._catalog import (
    CatalogUnitOfWorkFactory,
    ProductRepositoryContract,
    sample_product,
)
from commercekit.testing.contracts._inventory import (
    InventoryUnitOfWorkFactory,
    StockStoreContract,
)
from commercekit.testing.contracts._orders import (
    OrderNumberSequenceContract,
    OrderRepositoryContract,
    OrdersUnitOfWorkFactory,
    sample_order,
)
from commercekit.testing.contracts._payments import (
    PaymentRepositoryContract,
    PaymentsUnitOfWorkFactory,
    sample_payment,
)
from commercekit.testing.contracts._pricing import (
    PriceListRepositoryContract,
    PricingUnitOfWorkFactory,
    sample_price_list,
)
from commercekit.testing.contracts._promotions import (
    CouponUsageContract,
    PromotionRepositoryContract,
    PromotionsUnitOfWorkFactory,
    sample_coupon,
    sample_promotion,
    sample_promotions,
)
from commercekit.testing.contracts._search import (
    ProductSearchContract,
    sample_catalog,
    sample_prices,
)
from commercekit.testing.contracts._unit_of_work import (
    SampleAggregate,
    SampleEvent,
    UnitOfWorkContract,
    UnitOfWorkFactory,
)

__all__ = [
    "CartRepositoryContract",
    "CartUnitOfWorkFactory",
    "CatalogUnitOfWorkFactory",
    "CouponUsageContract",
    "InventoryUnitOfWorkFactory",
    "OrderNumberSequenceContract",
    "OrderRepositoryContract",
    "OrdersUnitOfWorkFactory",
    "PaymentRepositoryContract",
    "PaymentsUnitOfWorkFactory",
    "PriceListRepositoryContract",
    "PricingUnitOfWorkFactory",
    "ProductRepositoryContract",
    "ProductSearchContract",
    "PromotionRepositoryContract",
    "PromotionsUnitOfWorkFactory",
    "SampleAggregate",
    "SampleEvent",
    "StockStoreContract",
    "UnitOfWorkContract",
    "UnitOfWorkFactory",
    "WishlistRepositoryContract",
    "sample_cart",
    "sample_catalog",
    "sample_coupon",
    "sample_order",
    "sample_payment",
    "sample_price_list",
    "sample_prices",
    "sample_product",
    "sample_promotion",
    "sample_promotions",
    "sample_wishlist",
]
