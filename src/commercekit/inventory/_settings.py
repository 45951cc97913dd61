"""The merchant's inventory settings: stock locations and per-SKU policies.

Settings are values the application passes to the services, not rows in a
store: where stock may ship from and in which order of preference, and for
each SKU whether it may be sold beyond what is available (a backorder or a
preorder) and below how many available units it runs low.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from commercekit.errors import ValidationError
from commercekit.inventory._model import (
    ReservationKind,
    StockLocationId,
    _identifier,
    _utc,
    stock_location_id,
)
from commercekit.values import FrozenMap, Sku, sku

__all__ = ["InventorySettings", "StockLocation", "StockPolicy"]


def _location_id(value: object) -> StockLocationId:
    return stock_location_id(value)  # type: ignore[arg-type]


def _name(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    _identifier(value, attribute.name)


def _priority(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"priority must be an int, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class StockLocation:
    """A place stock ships from: a warehouse, a store, a supplier's drop-ship.

    Args:
        location_id: Its id, as stock levels and reservations name it.
        name: What people call it.
        priority: The order of preference: the **lower** number is preferred
            (1 before 2); locations of equal priority go by id.

    >>> berlin = StockLocation(location_id="berlin", name="Berlin", priority=1)
    >>> berlin.rank
    (1, 'berlin')
    """

    location_id: StockLocationId = attrs.field(converter=_location_id)
    name: str = attrs.field(validator=_name)
    priority: int = attrs.field(default=0, validator=_priority)

    @property
    def rank(self) -> tuple[int, str]:
        """The key that sorts locations by preference, priority then id."""
        return (self.priority, self.location_id)


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _available_from(value: object) -> datetime | None:
    return None if value is None else _utc(value, "available_from")


def _check_release(instance: StockPolicy, _: object, value: datetime | None) -> None:
    if value is not None and not instance.preorder:
        msg = "available_from is the release of a preorder: set preorder=True too"
        raise ValidationError(msg, field="available_from")


def _threshold(
    _: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        msg = f"low_stock_threshold must be an int of 0 or more or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class StockPolicy:
    """How one SKU may be sold when too little is available, and when it is low.

    A **backorder** sells goods the merchant stocks but has run out of; a
    **preorder** sells goods not released yet. Both skip the availability
    check for the units that are not available: those are reserved anyway
    and ship once they come in. A preorder is accepted until the goods are
    released (``available_from``; always, if that is ``None``); after it,
    only a backorder policy sells beyond what is available.

    Args:
        backorder: Whether units may be reserved beyond what is available.
        preorder: Whether the SKU may be preordered before its release.
        available_from: When the goods are released, in UTC; needs
            ``preorder``. From this instant on, preorders end.
        low_stock_threshold: When a change takes the available units from
            above this number to at or below it, a
            :class:`~commercekit.inventory.StockRanLow` event says so;
            ``None`` for no such event.

    >>> from datetime import UTC, datetime
    >>> policy = StockPolicy(
    ...     preorder=True, available_from=datetime(2026, 9, 1, tzinfo=UTC)
    ... )
    >>> policy.shortfall(datetime(2026, 8, 1, tzinfo=UTC))
    <ReservationKind.PREORDER: 'preorder'>
    >>> policy.shortfall(datetime(2026, 9, 1, tzinfo=UTC)) is None
    True
    """

    backorder: bool = attrs.field(default=False, validator=_flag)
    preorder: bool = attrs.field(default=False, validator=_flag)
    available_from: datetime | None = attrs.field(
        default=None, converter=_available_from, validator=_check_release
    )
    low_stock_threshold: int | None = attrs.field(default=None, validator=_threshold)

    def accepts_preorders(self, at: datetime) -> bool:
        """Whether a preorder is accepted at ``at``: allowed and not yet released."""
        instant = _utc(at, "at")
        return self.preorder and (
            self.available_from is None or instant < self.available_from
        )

    def shortfall(self, at: datetime) -> ReservationKind | None:
        """How units beyond the available ones are sold at ``at``, if at all.

        A preorder while preorders are accepted, else a backorder if
        backorders are allowed, else ``None``: the sale is refused.
        """
        if self.accepts_preorders(at):
            return ReservationKind.PREORDER
        if self.backorder:
            return ReservationKind.BACKORDER
        return None


def _locations(value: object) -> tuple[StockLocation, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"locations must be a list of StockLocation, not {value!r}"
        raise ValidationError(msg, field="locations")
    given = list(value)
    if not given:
        msg = "settings need at least one stock location"
        raise ValidationError(msg, field="locations")
    seen: set[str] = set()
    for location in given:
        if not isinstance(location, StockLocation):
            msg = f"locations must be StockLocation values, not {location!r}"
            raise ValidationError(msg, field="locations")
        if location.location_id in seen:
            msg = f"the stock location {location.location_id!r} is listed twice"
            raise ValidationError(msg, field="locations")
        seen.add(location.location_id)
    return tuple(sorted(given, key=lambda location: location.rank))


def _policies(value: object) -> FrozenMap[Sku, StockPolicy]:
    if not isinstance(value, Mapping):
        msg = f"policies must map SKUs to StockPolicy values, not {value!r}"
        raise ValidationError(msg, field="policies")
    checked: dict[Sku, StockPolicy] = {}
    for code, policy in value.items():
        key = sku(code)
        if key in checked:
            msg = f"{code!r} and another key both name the SKU {key!r}"
            raise ValidationError(msg, field="policies")
        if not isinstance(policy, StockPolicy):
            msg = f"the policy of {key} must be a StockPolicy, not {policy!r}"
            raise ValidationError(msg, field="policies")
        checked[key] = policy
    return FrozenMap(checked)


def _default_policy(
    _: object, attribute: attrs.Attribute[StockPolicy], value: object
) -> None:
    if not isinstance(value, StockPolicy):
        msg = f"default_policy must be a StockPolicy, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class InventorySettings:
    """The stock locations in play and the policy of each SKU.

    Args:
        locations: Where stock may ship from; at least one, each id once.
            Kept in the order of preference (priority, then id).
        policies: SKUs to their own :class:`StockPolicy`.
        default_policy: The policy of every other SKU: by default no
            backorders, no preorders and no low-stock event.

    >>> settings = InventorySettings(
    ...     locations=[
    ...         StockLocation(location_id="hamburg", name="Hamburg", priority=2),
    ...         StockLocation(location_id="berlin", name="Berlin", priority=1),
    ...     ],
    ...     policies={"BOOT-43": StockPolicy(backorder=True)},
    ... )
    >>> settings.location_ids
    ('berlin', 'hamburg')
    >>> settings.policy("BOOT-43").backorder, settings.policy("SNEAKER-42").backorder
    (True, False)
    """

    locations: tuple[StockLocation, ...] = attrs.field(converter=_locations)
    policies: FrozenMap[Sku, StockPolicy] = attrs.field(
        factory=FrozenMap, converter=_policies
    )
    default_policy: StockPolicy = attrs.field(
        factory=StockPolicy, validator=_default_policy
    )

    @property
    def location_ids(self) -> tuple[StockLocationId, ...]:
        """The locations' ids, the preferred one first."""
        return tuple(location.location_id for location in self.locations)

    def policy(self, item: str) -> StockPolicy:
        """The policy of the SKU ``item``: its own, or the default.

        Raises:
            ValidationError: for a malformed SKU.
        """
        return self.policies.get(sku(item), self.default_policy)
