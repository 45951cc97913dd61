"""The ports the catalog needs."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Protocol

from commercekit.catalog._model import Product, ProductId
from commercekit.ports import UnitOfWork
from commercekit.values import Sku

__all__ = ["Availability", "CatalogUnitOfWork", "ProductRepository"]


class Availability(Protocol):
    """Tells which variants can be sold now.

    Stock belongs to the inventory context, which sits above the catalog; the
    catalog asks through this port, and the application (or inventory) fills
    it.
    """

    def in_stock(self, skus: Collection[Sku]) -> set[Sku]:
        """Return those of ``skus`` that are in stock; unknown SKUs are not."""
        ...


class ProductRepository(Protocol):
    """Stores products with their variants.

    Contract (checked by ``commercekit.testing.contracts.ProductRepositoryContract``):

    * :meth:`add` stores a new product at version 1; :meth:`save` stores a
      changed one and raises its version by one. Both set ``product.version``.
    * A SKU belongs to one product: adding or saving a product with a SKU that
      another product has raises :class:`~commercekit.errors.DuplicateError`,
      and so does adding a product id that exists.
    * :meth:`save` of a product whose stored version is not ``product.version``
      raises :class:`~commercekit.errors.VersionConflictError`: someone else
      saved it since it was loaded.
    * :meth:`get` and :meth:`get_by_sku` return a copy, tracked by the unit of
      work; an unknown id or SKU raises :class:`~commercekit.errors.NotFoundError`.
    * Nothing is visible to other units of work before the commit.
    """

    def add(self, product: Product) -> None:
        """Store a new product."""
        ...

    def get(self, product_id: ProductId) -> Product:
        """Return the product with this id."""
        ...

    def get_by_sku(self, sku: str) -> Product:
        """Return the product that has a variant with this SKU."""
        ...

    def save(self, product: Product) -> None:
        """Store a changed product, if nobody else changed it first."""
        ...

    def iterate(self) -> Iterator[Product]:
        """Yield every product, ordered by id (for indexing and export)."""
        ...


class CatalogUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that has the catalog's repository."""

    products: ProductRepository
