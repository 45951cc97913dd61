"""The in-memory product repository."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from commercekit.catalog import Product, ProductId, ProductRepository
from commercekit.errors import DuplicateError, NotFoundError, VersionConflictError

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryProductRepository"]

_PRODUCTS = "catalog.products"
_SKUS = "catalog.skus"


class InMemoryProductRepository(ProductRepository):
    """Products in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Keeps a second table of SKUs to product ids, so a SKU stays unique across
    products.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _claim_skus(self, product: Product) -> None:
        for code in product.skus:
            owner = self._uow.read(_SKUS, code)
            if owner is not None and owner != product.product_id:
                raise DuplicateError(kind="SKU", key=code)

    def add(self, product: Product) -> None:
        """Store a new product at version 1."""
        if self._uow.read(_PRODUCTS, product.product_id) is not None:
            raise DuplicateError(kind="product", key=product.product_id)
        self._claim_skus(product)
        product.version = 1
        self._write(product, released=())
        self._uow.track(product)

    def get(self, product_id: ProductId) -> Product:
        """Return the product with this id."""
        product = self._uow.read(_PRODUCTS, product_id)
        if not isinstance(product, Product):
            raise NotFoundError(kind="product", key=product_id)
        self._uow.track(product)
        return product

    def get_by_sku(self, sku: str) -> Product:
        """Return the product that has a variant with this SKU."""
        owner = self._uow.read(_SKUS, sku)
        if owner is None:
            raise NotFoundError(kind="SKU", key=sku)
        return self.get(ProductId(owner))

    def save(self, product: Product) -> None:
        """Store a changed product, if nobody else changed it first."""
        stored = self._uow.read(_PRODUCTS, product.product_id)
        if not isinstance(stored, Product):
            raise NotFoundError(kind="product", key=product.product_id)
        if stored.version != product.version:
            raise VersionConflictError(
                kind="product",
                key=product.product_id,
                expected_version=product.version,
                actual_version=stored.version,
            )
        self._claim_skus(product)
        product.version += 1
        self._write(product, released=set(stored.skus) - set(product.skus))
        self._uow.track(product)

    def _write(self, product: Product, released: Iterable[str]) -> None:
        for code in released:
            self._uow.remove(_SKUS, code)
        for code in product.skus:
            self._uow.write(_SKUS, code, product.product_id)
        self._uow.write(_PRODUCTS, product.product_id, product)

    def iterate(self) -> Iterator[Product]:
        """Yield every product, ordered by id."""
        for _, product in self._uow.rows(_PRODUCTS):
            yield product
