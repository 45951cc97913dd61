"""The in-memory price list repository."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING

import attrs

from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, get_currency
from commercekit.ports import EventRecorder
from commercekit.pricing import (
    ListedPrice,
    PriceChange,
    PriceList,
    PriceListId,
    PriceListRepository,
)
from commercekit.values import Sku

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryPriceListRepository"]

_LISTS = "pricing.lists"
_HISTORY = "pricing.history"


def _history_key(list_id: str, code: str) -> str:
    # Neither a list id nor a SKU may hold a NUL, so the key is unambiguous.
    return f"{list_id}\x00{code}"


def _same_price(stored: Money, new: Money) -> bool:
    # By value ("9.9" is "9.90"), and without the cross-currency error that
    # Money's == raises: a list whose currency changed has new prices.
    return stored.currency == new.currency and stored.amount == new.amount


def _checked(price_list: PriceList) -> PriceList:
    """The list built anew, so that it passes every check of its constructor.

    Assigning to a list's fields skips some of them (a ``valid_from`` after
    ``valid_until``, prices in a currency the list no longer has); a store
    refuses such a list instead of keeping one that would not read back.

    Raises:
        ValidationError: for a list its constructor would refuse.
    """
    return attrs.evolve(price_list)


class InMemoryPriceListRepository(PriceListRepository):
    """Price lists in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Keeps a second table with the base-price history of each SKU in each list,
    appended to by :meth:`add` and :meth:`save` in the same transaction.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _track(self, price_list: PriceList) -> None:
        # A price list records no events yet; if it ever does, the unit of
        # work collects them like any aggregate's.
        if isinstance(price_list, EventRecorder):
            self._uow.track(price_list)

    def add(self, price_list: PriceList) -> None:
        """Store a new price list at version 1, and the history of its prices.

        Raises:
            ValidationError: for a list that its constructor would refuse
                (assigning to its fields skips some checks).
        """
        checked = _checked(price_list)
        if self._uow.read(_LISTS, checked.list_id) is not None:
            raise DuplicateError(kind="price list", key=checked.list_id)
        self._record_changes(None, checked)
        checked.version = 1
        self._uow.write(_LISTS, checked.list_id, checked)
        price_list.version = 1
        self._track(price_list)

    def get(self, list_id: PriceListId) -> PriceList:
        """Return a copy of the price list with this id."""
        price_list = self._uow.read(_LISTS, list_id)
        if not isinstance(price_list, PriceList):
            raise NotFoundError(kind="price list", key=list_id)
        self._track(price_list)
        return price_list

    def save(self, price_list: PriceList) -> None:
        """Store a changed price list, if nobody else changed it first.

        Raises:
            ValidationError: for a list that its constructor would refuse.
        """
        checked = _checked(price_list)
        stored = self._uow.read(_LISTS, checked.list_id)
        if not isinstance(stored, PriceList):
            raise NotFoundError(kind="price list", key=checked.list_id)
        if stored.version != checked.version:
            raise VersionConflictError(
                kind="price list",
                key=checked.list_id,
                expected_version=checked.version,
                actual_version=stored.version,
            )
        self._record_changes(stored, checked)
        checked.version += 1
        self._uow.write(_LISTS, checked.list_id, checked)
        price_list.version = checked.version
        self._track(price_list)

    def _record_changes(self, stored: PriceList | None, price_list: PriceList) -> None:
        before = {} if stored is None else stored.prices
        for code in sorted(price_list.prices):
            entry = price_list.prices[code]
            old = before.get(code)
            if old is not None and _same_price(old.base_price, entry.base_price):
                continue
            key = _history_key(price_list.list_id, code)
            changes: tuple[PriceChange, ...] = self._uow.read(_HISTORY, key) or ()
            change = PriceChange(
                list_id=price_list.list_id,
                sku=code,
                unit_price=entry.base_price,
                changed_at=entry.since,
            )
            self._uow.write(_HISTORY, key, (*changes, change))

    def iterate(self) -> Iterator[PriceList]:
        """Yield a copy of every price list, ordered by id."""
        for _, price_list in self._uow.rows(_LISTS):
            yield price_list

    def prices_for(self, skus: Collection[Sku], currency: str) -> list[ListedPrice]:
        """The prices of ``skus`` in ``currency``, by list id, then SKU.

        Raises:
            ValidationError: for an unknown currency code, or one string
                given for the collection of SKUs.
        """
        if isinstance(skus, str) or not isinstance(skus, Collection):
            msg = f"prices_for takes a collection of SKUs, not {skus!r}"
            raise ValidationError(msg, field="skus")
        code = get_currency(currency).code
        wanted = sorted(set(skus))
        found: list[ListedPrice] = []
        if not wanted:
            return found
        for _, price_list in self._uow.rows(_LISTS):
            if price_list.currency != code:
                continue
            found.extend(
                price_list.listed(sku) for sku in wanted if sku in price_list.prices
            )
        return found

    def history(self, list_id: PriceListId, sku: Sku) -> list[PriceChange]:
        """The base-price changes of ``sku`` in the list, oldest first.

        Changes at the same instant keep the order they were stored in; an
        unknown list or SKU has none.
        """
        changes = self._uow.read(_HISTORY, _history_key(list_id, sku)) or ()
        return sorted(changes, key=lambda change: change.changed_at)
