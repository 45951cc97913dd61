"""The availability rule: how many units of a SKU can be sold now.

One rule for every reader: the reserve service, the low-stock events, the
catalog's :class:`~commercekit.inventory.StockAvailability` and the cart's
checks all count available units the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from commercekit.inventory._model import StockLocationId, _utc
from commercekit.inventory._ports import StockStore
from commercekit.inventory._service_common import _check_settings
from commercekit.inventory._settings import InventorySettings
from commercekit.values import Sku
from commercekit.values import sku as _check_sku

__all__ = ["available_to_sell"]


def _available(
    store: StockStore, item: Sku, locations: Iterable[StockLocationId]
) -> dict[StockLocationId, int]:
    """The units of ``item`` that can be reserved at each location (0 or more).

    A location whose backorders took reserved past on hand counts as none,
    never below zero: its shortfall does not eat another location's units.
    """
    return {place: max(store.level(item, place).available, 0) for place in locations}


def _units(store: StockStore, item: Sku, locations: Iterable[StockLocationId]) -> int:
    """The units of ``item`` that can be reserved over ``locations``."""
    return sum(_available(store, item, locations).values())


def available_to_sell(
    stock: StockStore, sku: str, settings: InventorySettings, at: datetime
) -> int | None:
    """How many units of ``sku`` can be sold at ``at``; ``None`` for no limit.

    The units available (on hand minus reserved) summed over the settings'
    locations, each location counted at no less than 0 (backorders at one
    location do not take units from another); stock at other locations does
    not count. ``None`` when the SKU's
    :class:`~commercekit.inventory.StockPolicy` sells beyond what is
    available at ``at`` (backorders, or preorders before the release): then
    any number can be sold.

    This is the rule :func:`~commercekit.inventory.reserve_stock` and
    :class:`~commercekit.inventory.StockAvailability` follow. Call it inside
    a unit of work's block, with its store (``uow.stock``).

    Args:
        stock: The stock store to read.
        sku: The SKU.
        settings: The locations in play and the SKU's policy.
        at: The instant the policy is judged at (a preorder ends at the
            release).

    Raises:
        ValidationError: for a malformed SKU, bad settings or a naive instant.

    >>> from datetime import UTC, datetime
    >>> from commercekit.inventory import (
    ...     InventorySettings, StockLevel, StockLocation, StockPolicy,
    ... )
    >>> class Shelf:  # stands in for uow.stock: 2 units held at each location
    ...     def level(self, sku, location=None):
    ...         on_hand = {"berlin": 5, "hamburg": 1}[location]
    ...         return StockLevel(
    ...             sku=sku, location=location, on_hand=on_hand, reserved=2
    ...         )
    >>> settings = InventorySettings(
    ...     locations=[
    ...         StockLocation(location_id="berlin", name="Berlin"),
    ...         StockLocation(location_id="hamburg", name="Hamburg"),
    ...     ],
    ...     policies={"BOOT-43": StockPolicy(backorder=True)},
    ... )
    >>> now = datetime(2026, 6, 1, tzinfo=UTC)
    >>> available_to_sell(Shelf(), "SNEAKER-42", settings, now)
    3
    >>> available_to_sell(Shelf(), "BOOT-43", settings, now) is None
    True
    """
    item = _check_sku(sku)
    checked = _check_settings(settings)
    instant = _utc(at, "at")
    if checked.policy(item).shortfall(instant) is not None:
        return None
    return _units(stock, item, checked.location_ids)
