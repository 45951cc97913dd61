"""What the built-in shipping rates are made of: zones, weight bands, methods."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import Money
from commercekit.pricing._checks import _check_list
from commercekit.pricing._shipping import (
    _code,
    _grams,
    _name,
    _price,
    _threshold,
)
from commercekit.values import CountryCode, country_code

__all__ = ["ShippingMethod", "ShippingZone", "WeightBand", "ZoneRate"]


def _up_to(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = (
            "up_to_grams must be a whole number of grams, 1 or more, or None "
            f"for an open band, not {value!r}"
        )
        raise ValidationError(msg, field="up_to_grams")
    return value


def _band_price(value: object) -> Money:
    return _price(value)


@attrs.frozen
class WeightBand:
    """A price for parcels up to a weight: ``WeightBand(2000, money("4.90", "EUR"))``.

    Args:
        up_to_grams: The heaviest weight of the band, inclusive: a parcel of
            exactly this weight is in it. ``None`` for an open band, which
            takes every heavier parcel; only the last band may be open.
        price: The price of a parcel in the band, in whole minor units.
    """

    up_to_grams: int | None = attrs.field(converter=_up_to)
    price: Money = attrs.field(converter=_band_price)


def _zone_code(value: object) -> str:
    return _code(value, "code")


def _countries(value: object) -> tuple[CountryCode, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = (
            f"countries must be a list of country codes, such as ['DE', 'AT'], "
            f"or None for the rest of the world, not {value!r}"
        )
        raise ValidationError(msg, field="countries")
    codes = tuple(sorted({country_code(code) for code in value}))
    if not codes:
        msg = "a zone needs at least one country: give None for the rest of the world"
        raise ValidationError(msg, field="countries")
    return codes


@attrs.frozen
class ShippingZone:
    """Countries that share a shipping rate: ``ShippingZone("EU", ["AT", "FR"])``.

    Args:
        code: The zone's code, such as ``"DE"`` or ``"EU"``.
        countries: Its countries (ISO 3166-1 alpha-2, kept sorted), or
            ``None`` (the default) for the rest of the world: every country
            that no other zone of the same method lists.
    """

    code: str = attrs.field(converter=_zone_code)
    countries: tuple[CountryCode, ...] | None = attrs.field(
        default=None, converter=_countries
    )

    @property
    def is_rest_of_world(self) -> bool:
        """Whether the zone has no list of countries."""
        return self.countries is None


def _zone(value: object) -> ShippingZone:
    if not isinstance(value, ShippingZone):
        msg = f"zone must be a ShippingZone, not {value!r}"
        raise ValidationError(msg, field="zone")
    return value


def _flat_price(value: object) -> Money | None:
    return None if value is None else _price(value)


def _bands(value: object) -> tuple[WeightBand, ...]:
    bands = tuple(_check_list(WeightBand, value, "bands"))
    for before, after in itertools.pairwise(bands):
        if before.up_to_grams is None:
            msg = "only the last weight band may be open (up_to_grams=None)"
            raise ValidationError(msg, field="bands")
        if after.up_to_grams is not None and after.up_to_grams <= before.up_to_grams:
            msg = (
                "weight bands must be given lightest first, each heavier than the "
                f"one before: {after.up_to_grams} g follows {before.up_to_grams} g"
            )
            raise ValidationError(msg, field="bands")
        if after.price.currency != before.price.currency:
            raise CurrencyMismatchError(
                expected=before.price.currency.code,
                got=after.price.currency.code,
                field="bands",
            )
        if after.price.amount < before.price.amount:
            heavier = (
                "the open band"
                if after.up_to_grams is None
                else f"the band up to {after.up_to_grams} g"
            )
            msg = (
                f"a heavier weight band cannot cost less: {heavier} costs "
                f"{after.price.amount}, the band up to {before.up_to_grams} g "
                f"{before.price.amount}"
            )
            raise ValidationError(msg, field="bands")
    return bands


def _one_price(
    instance: ZoneRate, _: attrs.Attribute[Money | None], __: Money | None
) -> None:
    if (instance.price is None) == (not instance.bands):
        msg = (
            f"the rate of zone {instance.zone.code!r} needs either a flat price or "
            "weight bands, not both or neither"
        )
        raise ValidationError(msg, field="bands")
    first = instance.price if instance.price is not None else instance.bands[0].price
    free_above = instance.free_above
    if free_above is not None and free_above.currency != first.currency:
        raise CurrencyMismatchError(
            expected=first.currency.code,
            got=free_above.currency.code,
            field="free_above",
        )


@attrs.frozen
class ZoneRate:
    """What a shipping method costs to the countries of a zone.

    Either a flat ``price`` for any weight, or weight ``bands``: a parcel
    takes the price of the first band whose upper bound (inclusive) holds
    its weight, and a parcel heavier than every band is not offered. Bands
    are given lightest first, and a heavier band never costs less.

    Args:
        zone: The zone.
        price: A flat price, in whole minor units.
        bands: Weight bands, instead of a flat price.
        free_above: The goods total from which the method ships free to the
            zone, inclusive: a goods total of exactly this amount ships free.

    Raises:
        ValidationError: for bad input: neither or both of ``price`` and
            ``bands``, bands out of order or falling in price.
        CurrencyMismatchError: for amounts in more than one currency.

    >>> from commercekit.money import money
    >>> rate = ZoneRate(
    ...     ShippingZone("DE", ["DE"]),
    ...     bands=[
    ...         WeightBand(2000, money("4.90", "EUR")),
    ...         WeightBand(10000, money("6.90", "EUR")),
    ...     ],
    ... )
    >>> rate.price_for(2000), rate.price_for(2001), rate.price_for(10001)
    (Money('4.90', 'EUR'), Money('6.90', 'EUR'), None)
    """

    zone: ShippingZone = attrs.field(converter=_zone)
    price: Money | None = attrs.field(default=None, kw_only=True, converter=_flat_price)
    bands: tuple[WeightBand, ...] = attrs.field(
        default=(), kw_only=True, converter=_bands
    )
    free_above: Money | None = attrs.field(
        default=None, kw_only=True, converter=_threshold, validator=_one_price
    )

    @property
    def currency(self) -> str:
        """The currency code of the rate's amounts."""
        price = self.price if self.price is not None else self.bands[0].price
        return price.currency.code

    @property
    def max_grams(self) -> int | None:
        """The heaviest parcel the rate takes; ``None`` for no limit."""
        return None if self.price is not None else self.bands[-1].up_to_grams

    def price_for(self, weight_grams: int) -> Money | None:
        """The price of a parcel of ``weight_grams``; ``None`` if too heavy.

        The free-above threshold is not applied here: it depends on the goods.

        Raises:
            ValidationError: for a negative or non-integer weight.
        """
        weight = _grams(weight_grams, "weight_grams")
        if self.price is not None:
            return self.price
        for band in self.bands:
            if band.up_to_grams is None or weight <= band.up_to_grams:
                return band.price
        return None


def _method_code(value: object) -> str:
    return _code(value, "code")


def _method_name(value: object) -> str:
    return _name(value)


def _rates(value: object) -> tuple[ZoneRate, ...]:
    rates = tuple(_check_list(ZoneRate, value, "rates"))
    if not rates:
        msg = "a shipping method needs a rate for at least one zone"
        raise ValidationError(msg, field="rates")
    zones: set[str] = set()
    served: dict[CountryCode | None, str] = {}
    for rate in rates:
        zone = rate.zone
        if zone.code in zones:
            msg = f"a shipping method has one rate per zone; zone {zone.code!r} has two"
            raise ValidationError(msg, field="rates")
        zones.add(zone.code)
        for country in zone.countries or (None,):
            if country in served:
                where = "the rest of the world" if country is None else country
                msg = (
                    f"{where} is in two zones of a shipping method, "
                    f"{served[country]!r} and {zone.code!r}: a country may be in "
                    "one zone of a method only"
                )
                raise ValidationError(msg, field="rates")
            served[country] = zone.code
        if rate.currency != rates[0].currency:
            raise CurrencyMismatchError(
                expected=rates[0].currency, got=rate.currency, field="rates"
            )
    return rates


@attrs.frozen
class ShippingMethod:
    """A way to ship (``"standard"``, ``"express"``) and its rate per zone.

    Args:
        code: The method's code, which a cart stores as its choice.
        name: What the customer reads, such as ``"DHL Paket"``.
        rates: Its rate per zone, at least one. A country may be in one zone
            of the method only; a rest-of-the-world zone covers every country
            that the method's other zones do not list.

    Raises:
        ValidationError: for bad input, two rates for one zone, or a country
            in two zones.
        CurrencyMismatchError: for rates in more than one currency.
    """

    code: str = attrs.field(converter=_method_code)
    name: str = attrs.field(converter=_method_name)
    rates: tuple[ZoneRate, ...] = attrs.field(converter=_rates)

    @property
    def currency(self) -> str:
        """The currency code of the method's amounts."""
        return self.rates[0].currency

    def rate_for(self, country: str) -> ZoneRate | None:
        """The rate to ``country``; ``None`` if the method does not ship there.

        Raises:
            ValidationError: if ``country`` is not a country code.
        """
        code = country_code(country)
        rest = None
        for rate in self.rates:
            countries = rate.zone.countries
            if countries is None:
                rest = rate
            elif code in countries:
                return rate
        return rest
