"""Price lists, quantity tiers, and which price applies to a sale."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, NewType

import attrs
import moneyed

from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import Money, get_currency
from commercekit.ports import EventRecorder
from commercekit.pricing._checks import (
    _as_money,
    _check_enum,
    _check_list,
    _is_optional_text,
)
from commercekit.pricing._errors import PriceNotFoundError
from commercekit.values import Sku, as_utc, positive_int, sku

__all__ = [
    "OMNIBUS_DAYS",
    "ListedPrice",
    "PriceChange",
    "PriceContext",
    "PriceEntry",
    "PriceList",
    "PriceListId",
    "PriceMode",
    "PriceTier",
    "ResolvedPrice",
    "lowest_prior_price",
    "resolve_price",
]

PriceListId = NewType("PriceListId", str)
"""The identifier of a :class:`PriceList`."""


class PriceMode(enum.StrEnum):
    """Whether prices include VAT."""

    GROSS = "gross"
    """Prices include VAT, as the norm is for consumers in the EU."""
    NET = "net"
    """Prices exclude VAT, as the norm is for business buyers, and in the US."""


def _unit_price(value: object) -> Money:
    price = _as_money(value, "unit_price")
    if price.amount < 0:
        msg = f"a unit price cannot be negative, not {price}"
        raise ValidationError(msg, field="unit_price")
    return price


@attrs.frozen
class PriceTier:
    """The unit price from a quantity on: ``PriceTier(10, money("9.00", "EUR"))``.

    Args:
        min_quantity: The smallest quantity this unit price applies to.
        unit_price: The price of one unit, never negative. It may have more
            decimals than the currency (``12.345``); the line total is
            rounded, not the unit price.
    """

    min_quantity: int = attrs.field(
        validator=lambda _, __, value: positive_int(value, field="min_quantity")
    )
    unit_price: Money = attrs.field(converter=_unit_price)


def _tiers(value: object) -> tuple[PriceTier, ...]:
    if isinstance(value, moneyed.Money):
        return (PriceTier(1, _unit_price(value)),)
    if isinstance(value, Mapping):
        value = [PriceTier(quantity, price) for quantity, price in value.items()]
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = (
            "give a price as Money, a list of PriceTier, or a mapping of "
            f"minimum quantities to Money, not {value!r}"
        )
        raise ValidationError(msg, field="tiers")
    tiers = tuple(value)
    if not tiers:
        msg = "a price needs at least one tier"
        raise ValidationError(msg, field="tiers")
    for tier in tiers:
        if not isinstance(tier, PriceTier):
            msg = f"tiers must be PriceTier objects, not {tier!r}"
            raise ValidationError(msg, field="tiers")
    ordered = tuple(sorted(tiers, key=lambda tier: tier.min_quantity))
    for before, after in itertools.pairwise(ordered):
        if before.min_quantity == after.min_quantity:
            msg = f"two tiers start at quantity {after.min_quantity}"
            raise ValidationError(msg, field="tiers")
    currencies = {tier.unit_price.currency.code for tier in ordered}
    if len(currencies) > 1:
        msg = f"the tiers of one price mix currencies: {sorted(currencies)}"
        raise ValidationError(msg, field="tiers")
    return ordered


def _instant(value: object) -> datetime:
    return as_utc(value, field="since")  # type: ignore[arg-type]


def _at(value: object) -> datetime:
    return as_utc(value, field="at")  # type: ignore[arg-type]


def _valid_from(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="valid_from")  # type: ignore[arg-type]


def _valid_until(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="valid_until")  # type: ignore[arg-type]


@attrs.frozen
class PriceEntry:
    """The price of one SKU in a list: its tiers, and since when it holds.

    Args:
        tiers: The quantity tiers, ordered by their minimum quantity.
        since: When this price was set (for the price history).
    """

    tiers: tuple[PriceTier, ...] = attrs.field(converter=_tiers)
    since: datetime = attrs.field(converter=_instant)

    @property
    def base_price(self) -> Money:
        """The unit price of the smallest quantity, which a shop shows."""
        return self.tiers[0].unit_price

    def tier_for(self, quantity: int) -> PriceTier | None:
        """The tier that applies to ``quantity``; ``None`` below the first tier."""
        found = None
        for tier in self.tiers:
            if tier.min_quantity > quantity:
                break
            found = tier
        return found


def _currency_code(value: object) -> str:
    return get_currency(value).code  # type: ignore[arg-type]


def _priority(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"priority must be an int, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class PriceContext:
    """The facts of a sale that choose a price list.

    Args:
        currency: The cart's currency code.
        at: The instant the price is asked for (UTC-aware).
        channel: The sales channel (``"web"``, ``"app"``), if lists differ by it.
        customer_group: The buyer's group (``"b2b"``, ``"staff"``), if any.
    """

    currency: str = attrs.field(converter=_currency_code)
    at: datetime = attrs.field(converter=_at)
    channel: str | None = attrs.field(default=None, validator=_is_optional_text)
    customer_group: str | None = attrs.field(default=None, validator=_is_optional_text)


@attrs.frozen(kw_only=True)
class ListedPrice:
    """One SKU's price in one list, with the list's terms: what resolution reads.

    Repositories return these (:meth:`PriceListRepository.prices_for
    <commercekit.pricing.PriceListRepository.prices_for>`), so a cart is priced
    without loading whole price lists.
    """

    list_id: PriceListId
    sku: Sku
    currency: str
    mode: PriceMode
    entry: PriceEntry
    priority: int = 0
    channel: str | None = None
    customer_group: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def applies_to(self, context: PriceContext) -> bool:
        """Whether the list's currency, channel, group and dates fit ``context``."""
        return (
            self.currency == context.currency
            and self.channel in (None, context.channel)
            and self.customer_group in (None, context.customer_group)
            and (self.valid_from is None or self.valid_from <= context.at)
            and (self.valid_until is None or context.at < self.valid_until)
        )

    def _precedence(self) -> tuple[int, int, int, float, str]:
        specific = (self.channel is not None) + (self.customer_group is not None)
        window = self.valid_from is not None or self.valid_until is not None
        started = self.valid_from.timestamp() if self.valid_from else float("-inf")
        return (-self.priority, -specific, -window, -started, self.list_id)


@attrs.frozen(kw_only=True)
class ResolvedPrice:
    """The unit price that applies to a SKU at a quantity, and where it came from.

    Args:
        sku: The SKU priced.
        quantity: The quantity it was priced for.
        unit_price: The price of one unit at that quantity.
        mode: Whether ``unit_price`` includes VAT.
        list_id: The price list it came from.
        min_quantity: Where the applied quantity tier starts.
    """

    sku: Sku
    quantity: int
    unit_price: Money
    mode: PriceMode
    list_id: PriceListId
    min_quantity: int


def resolve_price(
    candidates: Iterable[ListedPrice],
    sku_code: str,
    quantity: int,
    context: PriceContext,
) -> ResolvedPrice:
    """Choose the unit price of ``quantity`` units of ``sku_code``.

    Among the listed prices of the SKU whose list applies to ``context``
    (same currency; channel, customer group and validity window fit) and that
    have a tier for ``quantity``, the first by this precedence wins:

    1. the higher ``priority``;
    2. the more specific list (one for a channel *and* a customer group beats
       one for either, which beats one for everybody);
    3. a list with a validity window (a sale) before one without;
    4. the later ``valid_from``;
    5. the smaller list id, so the result never depends on input order.

    Raises:
        PriceNotFoundError: if no candidate applies.
        ValidationError: for a quantity below 1.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> at = datetime(2026, 1, 5, tzinfo=UTC)
    >>> shop = PriceList(
    ...     list_id=PriceListId("shop"), currency="EUR", mode=PriceMode.GROSS
    ... )
    >>> shop.set_price(
    ...     "SOCKS", {1: money("10.00", "EUR"), 10: money("9.00", "EUR")}, at=at
    ... )
    >>> context = PriceContext(currency="EUR", at=at)
    >>> resolve_price(shop.listed_prices(), "SOCKS", 12, context).unit_price
    Money('9.00', 'EUR')
    """
    code = sku(sku_code)
    quantity = positive_int(quantity, field="quantity")
    given: object = context  # checked at run time too, for untyped callers
    if not isinstance(given, PriceContext):
        msg = f"context must be a PriceContext, not {given!r}"
        raise ValidationError(msg, field="context")
    best: tuple[tuple[int, int, int, float, str], ListedPrice, PriceTier] | None = None
    for candidate in _check_list(ListedPrice, candidates, "candidates"):
        if candidate.sku != code or not candidate.applies_to(context):
            continue
        tier = candidate.entry.tier_for(quantity)
        if tier is None:
            continue
        rank = candidate._precedence()  # noqa: SLF001
        if best is None or rank < best[0]:
            best = (rank, candidate, tier)
    if best is None:
        raise PriceNotFoundError(sku=code, currency=context.currency, quantity=quantity)
    _, listed, tier = best
    return ResolvedPrice(
        sku=code,
        quantity=quantity,
        unit_price=tier.unit_price,
        mode=listed.mode,
        list_id=listed.list_id,
        min_quantity=tier.min_quantity,
    )


def _mode(value: object) -> PriceMode:
    return _check_enum(PriceMode, value, "mode")


def _price_list_id(value: object) -> PriceListId:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"list_id must be non-empty text, not {value!r}"
        raise ValidationError(msg, field="list_id")
    return PriceListId(value)


def _entries(value: object) -> dict[Sku, PriceEntry]:
    if not isinstance(value, Mapping):
        msg = f"prices must map SKUs to PriceEntry objects, not {value!r}"
        raise ValidationError(msg, field="prices")
    entries: dict[Sku, PriceEntry] = {}
    for key, entry in value.items():
        if not isinstance(entry, PriceEntry):
            msg = f"prices must map SKUs to PriceEntry objects, not {entry!r}"
            raise ValidationError(msg, field="prices")
        entries[sku(key)] = entry
    return entries


def _check_until(instance: PriceList, _: object, value: datetime | None) -> None:
    start = getattr(instance, "valid_from", None)
    if value is not None and start is not None and value <= start:
        msg = f"valid_until {value.isoformat()} must come after valid_from"
        raise ValidationError(msg, field="valid_until")


def _unchangeable(
    instance: PriceList, attribute: attrs.Attribute[Any], _: object
) -> None:
    if attribute.name == "prices":
        msg = (
            f"the prices of price list {instance.list_id} cannot be replaced: "
            "change them with set_price and remove_price"
        )
    else:
        current = getattr(instance, attribute.name)
        msg = (
            f"the {attribute.name} of price list {instance.list_id} is "
            f"{current!r} and cannot change: make another list"
        )
    raise ValidationError(msg, field=attribute.name)


def _set_from(
    instance: PriceList, _: object, value: datetime | None
) -> datetime | None:
    """Check a new ``valid_from`` against ``valid_until`` when it is set."""
    start = _valid_from(value)
    end = instance.valid_until
    if start is not None and end is not None and end <= start:
        msg = f"valid_from {start.isoformat()} must come before valid_until"
        raise ValidationError(msg, field="valid_from")
    return start


@attrs.define(kw_only=True)
class PriceList(EventRecorder):
    """Prices of SKUs in one currency, for a channel, group or time, or for all.

    ``list_id``, ``currency`` and the ``prices`` mapping itself cannot be
    replaced (a list in another currency is another list); setting another
    field checks it as the constructor does.

    Args:
        list_id: Its identifier.
        currency: The currency of every price in it.
        mode: Whether its prices include VAT (:attr:`PriceMode.GROSS`) or not.
        name: A name for people.
        priority: Precedence over other lists that apply (higher wins).
        channel: The only sales channel it applies to; ``None`` for all.
        customer_group: The only customer group it applies to; ``None`` for all.
        valid_from: When it starts to apply (inclusive); ``None`` for always.
        valid_until: When it stops applying (exclusive); ``None`` for never.
        prices: SKUs to their :class:`PriceEntry`; change them with
            :meth:`set_price` and :meth:`remove_price` only, which check them.

        version: The stored version, for optimistic concurrency.

    Raises:
        ValidationError: for bad fields, or a price in another currency.
    """

    list_id: PriceListId = attrs.field(
        converter=_price_list_id, on_setattr=_unchangeable
    )
    currency: str = attrs.field(converter=_currency_code, on_setattr=_unchangeable)
    mode: PriceMode = attrs.field(converter=_mode)
    name: str = ""
    priority: int = attrs.field(default=0, validator=_priority)
    channel: str | None = attrs.field(default=None, validator=_is_optional_text)
    customer_group: str | None = attrs.field(default=None, validator=_is_optional_text)
    valid_from: datetime | None = attrs.field(
        default=None, converter=_valid_from, on_setattr=_set_from
    )
    valid_until: datetime | None = attrs.field(
        default=None,
        converter=_valid_until,
        validator=_check_until,
    )
    prices: dict[Sku, PriceEntry] = attrs.field(
        factory=dict, converter=_entries, on_setattr=_unchangeable
    )
    version: int = 0

    def __attrs_post_init__(self) -> None:
        for code, entry in self.prices.items():
            self._check_currency(code, entry)

    def _check_currency(self, code: str, entry: PriceEntry) -> None:
        found = entry.base_price.currency.code
        if found != self.currency:
            msg = (
                f"price list {self.list_id} is in {self.currency}; the price of "
                f"{code} is in {found}"
            )
            raise ValidationError(msg, field="prices")

    def set_price(
        self,
        sku_code: str,
        price: Money | Sequence[PriceTier] | Mapping[int, Money],
        *,
        at: datetime,
    ) -> None:
        """Set the price of ``sku_code``: one amount, tiers, or quantities to amounts.

        Setting the price it has already changes nothing, not even
        the entry's ``since``, so the price history shows real changes only.

        Raises:
            ValidationError: for a bad SKU or price, or one in another currency.
        """
        code = sku(sku_code)
        entry = PriceEntry(_tiers(price), as_utc(at, field="at"))
        self._check_currency(code, entry)
        current = self.prices.get(code)
        if current is None or current.tiers != entry.tiers:
            self.prices[code] = entry

    def remove_price(self, sku_code: str) -> None:
        """Remove the price of ``sku_code`` from the list.

        Raises:
            NotFoundError: if the list has no price for it.
        """
        code = sku(sku_code)
        if self.prices.pop(code, None) is None:
            raise NotFoundError(kind="price", key=f"{self.list_id}/{code}")

    def listed(self, sku_code: str) -> ListedPrice:
        """The price of ``sku_code`` with the list's terms.

        Raises:
            NotFoundError: if the list has no price for it.
        """
        code = sku(sku_code)
        entry = self.prices.get(code)
        if entry is None:
            raise NotFoundError(kind="price", key=f"{self.list_id}/{code}")
        return self._listed(code, entry)

    def listed_prices(self) -> list[ListedPrice]:
        """Every price in the list, with the list's terms, ordered by SKU."""
        return [self._listed(code, self.prices[code]) for code in sorted(self.prices)]

    def _listed(self, code: Sku, entry: PriceEntry) -> ListedPrice:
        return ListedPrice(
            list_id=self.list_id,
            sku=code,
            currency=self.currency,
            mode=self.mode,
            entry=entry,
            priority=self.priority,
            channel=self.channel,
            customer_group=self.customer_group,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )


def _changed_at(value: object) -> datetime:
    return as_utc(value, field="changed_at")  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class PriceChange:
    """A change of a SKU's base price in a list: a row of the price history.

    Args:
        list_id: The price list.
        sku: The SKU.
        unit_price: The new base price (the unit price of the smallest
            quantity tier).
        changed_at: When the new price took effect.
    """

    list_id: PriceListId = attrs.field(converter=_price_list_id)
    sku: Sku = attrs.field(converter=sku)
    unit_price: Money = attrs.field(converter=_unit_price)
    changed_at: datetime = attrs.field(converter=_changed_at)


OMNIBUS_DAYS: Final = 30
"""The days before a price reduction whose lowest price a shop must show."""


def lowest_prior_price(
    changes: Iterable[PriceChange],
    *,
    before: datetime,
    days: int = OMNIBUS_DAYS,
) -> Money | None:
    """The lowest base price in effect in the ``days`` before ``before``.

    The EU Omnibus rule (PAngV § 11 in Germany): a shop that announces a
    price reduction shows the lowest price it charged in the 30 days before
    the reduction, and an advertised percentage is computed from that price.
    A price set before the window counts if it was still in effect when the
    window opened. ``None`` if no price was in effect in the window.

    Args:
        changes: The price history of one SKU in one list, in any order.
        before: When the reduction takes effect (its own price is not counted).
        days: The length of the window.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> def change(day, amount):
    ...     return PriceChange(
    ...         list_id=PriceListId("shop"),
    ...         sku=Sku("SOCKS"),
    ...         unit_price=money(amount, "EUR"),
    ...         changed_at=datetime(2026, 3, day, tzinfo=UTC),
    ...     )
    >>> history = [change(1, "12.00"), change(10, "11.00"), change(20, "15.00")]
    >>> lowest_prior_price(history, before=datetime(2026, 3, 25, tzinfo=UTC))
    Money('11.00', 'EUR')
    """
    end = as_utc(before, field="before")
    start = end - timedelta(days=positive_int(days, field="days"))
    ordered = sorted(
        _check_list(PriceChange, changes, "changes"),
        key=lambda change: change.changed_at,
    )
    lowest: Money | None = None
    in_effect: Money | None = None
    for change in ordered:
        if change.changed_at >= end:
            break
        if change.changed_at <= start:
            in_effect = change.unit_price
            continue
        if in_effect is not None and (lowest is None or in_effect < lowest):
            lowest = in_effect
        in_effect = change.unit_price
    if in_effect is not None and (lowest is None or in_effect < lowest):
        lowest = in_effect
    return lowest
