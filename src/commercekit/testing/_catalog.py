"""A double for the catalog's Availability port."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from commercekit.catalog import Availability
from commercekit.values import Sku

__all__ = ["FakeAvailability"]


class FakeAvailability(Availability):
    """Stock as a set of SKUs you control.

    >>> stock = FakeAvailability(["SN-W-42"])
    >>> sorted(stock.in_stock(["SN-W-42", "SN-W-43"]))
    ['SN-W-42']
    >>> stock.restock("SN-W-43")
    >>> sorted(stock.in_stock(["SN-W-42", "SN-W-43"]))
    ['SN-W-42', 'SN-W-43']
    """

    def __init__(self, in_stock: Iterable[str] = ()) -> None:
        self._in_stock = {Sku(code) for code in in_stock}

    def in_stock(self, skus: Collection[Sku]) -> set[Sku]:
        """Return those of ``skus`` that are in stock."""
        return {code for code in skus if code in self._in_stock}

    def restock(self, *skus: str) -> None:
        """Put ``skus`` in stock."""
        self._in_stock.update(Sku(code) for code in skus)

    def sell_out(self, *skus: str) -> None:
        """Take ``skus`` out of stock."""
        self._in_stock.difference_update(skus)
