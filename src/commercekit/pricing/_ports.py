"""The ports the pricing context needs."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Protocol

from commercekit.ports import UnitOfWork
from commercekit.pricing._prices import (
    ListedPrice,
    PriceChange,
    PriceList,
    PriceListId,
)
from commercekit.values import Sku

__all__ = ["PriceListRepository", "PricingUnitOfWork"]


class PriceListRepository(Protocol):
    """Stores price lists, and the history of their prices.

    Contract (checked by ``commercekit.testing.contracts.PriceListRepositoryContract``):

    * :meth:`add` stores a new list at version 1 (an id that exists raises
      :class:`~commercekit.errors.DuplicateError`); :meth:`save` stores a
      changed one and raises its version by one. Both set ``price_list.version``.
    * :meth:`save` of a list whose stored version is not ``price_list.version``
      raises :class:`~commercekit.errors.VersionConflictError`; of a list
      never added, :class:`~commercekit.errors.NotFoundError`.
    * :meth:`get` returns a copy tracked by the unit of work; an unknown id
      raises :class:`~commercekit.errors.NotFoundError`.
    * :meth:`prices_for` returns the listed prices of the given SKUs in the
      currency, from every list (whatever its channel, group or dates),
      ordered by list id, then SKU. The currency code is checked
      (:class:`~commercekit.errors.ValidationError` for an unknown one).
    * Every add or save that gives a SKU a new base price (a new SKU in the
      list, or a changed price of the smallest tier) appends a
      :class:`~commercekit.pricing.PriceChange` at the entry's ``since``;
      :meth:`history` returns them oldest first (by ``changed_at``; changes at
      one instant in the order stored), and ``[]`` for an unknown list or
      SKU. Removing a price or changing only higher tiers appends nothing.
    * Nothing is visible to other units of work before the commit.
    """

    def add(self, price_list: PriceList) -> None:
        """Store a new price list."""
        ...

    def get(self, list_id: PriceListId) -> PriceList:
        """Return the price list with this id."""
        ...

    def save(self, price_list: PriceList) -> None:
        """Store a changed price list, if nobody else changed it first."""
        ...

    def iterate(self) -> Iterator[PriceList]:
        """Yield every price list, ordered by id."""
        ...

    def prices_for(self, skus: Collection[Sku], currency: str) -> list[ListedPrice]:
        """The prices of ``skus`` in ``currency`` from every list that has one."""
        ...

    def history(self, list_id: PriceListId, sku: Sku) -> list[PriceChange]:
        """The base-price changes of ``sku`` in the list, oldest first."""
        ...


class PricingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that has the pricing context's repository."""

    price_lists: PriceListRepository
