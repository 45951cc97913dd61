"""Shipping rates: what a parcel costs to send, by which methods.

A :class:`ShippingRequest` states what a rate depends on; the
:class:`ShippingRates` port answers with :class:`ShippingQuote` objects, one
per method; the built-in table of rates is in ``_shipping_table``.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import _EXACT, Money, minor_units
from commercekit.pricing._checks import _as_money, _is_optional_text
from commercekit.values import CountryCode, country_code, identifier

__all__ = ["ShippingQuote", "ShippingRates", "ShippingRequest"]


def _code(value: object, field: str) -> str:
    """A code: non-empty printable text without surrounding space."""
    return identifier(value, field=field)


def _name(value: object, field: str = "name") -> str:
    """What a customer reads: text that is not blank."""
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"{field} must be non-empty text, such as 'Standard', not {value!r}"
        raise ValidationError(msg, field=field)
    return str(value)


def _grams(value: object, field: str) -> int:
    """A weight in grams: an int of 0 or more (never a float or a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{field} must be a whole number of grams, 0 or more, not {value!r}"
        raise ValidationError(msg, field=field)
    return value


def _whole_minor_units(value: Money) -> bool:
    scaled = value.amount.scaleb(minor_units(value.currency), _EXACT)
    return bool(scaled == scaled.to_integral_value(context=_EXACT))


def _price(value: object, field: str = "price") -> Money:
    """A shipping price: Money of 0 or more, in whole minor units."""
    price = _as_money(value, field)
    if price.amount < 0 or not _whole_minor_units(price):
        msg = (
            f"{field} must be 0 or more, in whole minor units of "
            f"{price.currency.code} (quantize it first), not {price.amount}"
        )
        raise ValidationError(msg, field=field)
    return price


def _threshold(value: object) -> Money | None:
    """A free-shipping threshold: ``None``, or a price of more than 0."""
    if value is None:
        return None
    threshold = _price(value, "free_above")
    if not threshold.amount:
        msg = "free_above must be more than 0: give the rate a price of 0 instead"
        raise ValidationError(msg, field="free_above")
    return threshold


def _goods_total(value: object) -> Money:
    total = _as_money(value, "goods_total")
    if total.amount < 0:
        msg = f"goods_total cannot be negative, not {total.amount}"
        raise ValidationError(msg, field="goods_total")
    return total


def _country(value: object) -> CountryCode:
    return country_code(value)  # type: ignore[arg-type]


def _weight(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    _grams(value, attribute.name)


@attrs.frozen(kw_only=True)
class ShippingRequest:
    """What a shipping rate depends on: where to, how much, how heavy.

    Args:
        country: The destination country (ISO 3166-1 alpha-2).
        goods_total: The goods' value after discounts, in the cart's price
            mode (gross or net): the value a "free above 50 EUR" rule reads.
            Its currency is the request's.
        weight_grams: The parcel's weight in grams, 0 or more.
        postal_code: The destination's postal code, for rates that need it
            (islands, remote areas); the built-in table does not read it.

    Raises:
        ValidationError: for bad input: an unknown country, a negative or
            non-integer weight, a goods total that is not Money or is negative.

    >>> from commercekit.money import money
    >>> request = ShippingRequest(
    ...     country="de", goods_total=money("39.98", "EUR"), weight_grams=1200
    ... )
    >>> request.country, request.currency
    ('DE', 'EUR')
    """

    country: CountryCode = attrs.field(converter=_country)
    goods_total: Money = attrs.field(converter=_goods_total)
    weight_grams: int = attrs.field(validator=_weight)
    postal_code: str | None = attrs.field(default=None, validator=_is_optional_text)

    @property
    def currency(self) -> str:
        """The currency code of ``goods_total``, and so of the request."""
        return self.goods_total.currency.code


def _method(value: object) -> str:
    return _code(value, "method")


def _quote_name(value: object) -> str:
    return _name(value)


def _quote_price(value: object) -> Money:
    return _price(value)


def _free_because(
    instance: ShippingQuote, attribute: attrs.Attribute[str | None], value: object
) -> None:
    _is_optional_text(instance, attribute, value)
    if value is not None and instance.price.amount:
        msg = f"a quote free because {value!r} must have a price of 0"
        raise ValidationError(msg, field=attribute.name)


def _free_above(
    instance: ShippingQuote, attribute: attrs.Attribute[Money | None], value: object
) -> None:
    if isinstance(value, Money) and value.currency != instance.price.currency:
        raise CurrencyMismatchError(
            expected=instance.price.currency.code,
            got=value.currency.code,
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class ShippingQuote:
    """What one shipping method costs for a request.

    The price goes into the price breakdown as it is:
    ``price_lines(..., shipping=quote.price)``.

    Args:
        method: The method's code, such as ``"standard"``: what a cart stores
            as its chosen method.
        name: What the customer reads, such as ``"DHL Paket"``.
        price: The price, in the request's currency and the cart's price mode,
            in whole minor units; 0 when free.
        free_above: The goods total from which the method ships free to this
            destination (inclusive), if it has one: a storefront can show
            "free shipping from 50 EUR", or how much is missing.
        free_because: Why the price is 0, when a free-above threshold made it
            so; ``None`` otherwise.

    Raises:
        ValidationError: for bad input, or a reason to be free with a price
            above 0.
        CurrencyMismatchError: for ``free_above`` in another currency.

    >>> from commercekit.money import money
    >>> quote = ShippingQuote(
    ...     method="standard", name="Standard", price=money("4.90", "EUR")
    ... )
    >>> quote.price, quote.is_free
    (Money('4.90', 'EUR'), False)
    """

    method: str = attrs.field(converter=_method)
    name: str = attrs.field(converter=_quote_name)
    price: Money = attrs.field(converter=_quote_price)
    free_above: Money | None = attrs.field(
        default=None, converter=_threshold, validator=_free_above
    )
    free_because: str | None = attrs.field(default=None, validator=_free_because)

    @property
    def is_free(self) -> bool:
        """Whether the price is 0, by a threshold or by the rate itself."""
        return not self.price.amount


class ShippingRates(Protocol):
    """Tells which shipping methods can send a parcel, and at what price.

    :class:`TableRates` is the built-in one, configured as data; an
    application can plug in a carrier's rate service instead. Contract:

    * :meth:`quotes` returns a quote for every method that ships to the
      request's country at its weight, cheapest first, then by method code;
      ``[]`` when none does.
    * :meth:`quote` returns the quote of one method, equal to the one
      :meth:`quotes` lists for it; a method that cannot ship the parcel
      raises :class:`~commercekit.pricing.ShippingMethodUnavailableError`,
      whose ``rule`` says why (an unknown method, no rate for the country,
      a parcel too heavy).
    * Prices are in the request's currency, in whole minor units, so they go
      into :func:`~commercekit.pricing.price_lines` as they are; a request in
      a currency the rates are not kept in raises
      :class:`~commercekit.errors.CurrencyMismatchError`.
    * A free-above threshold is inclusive: a goods total equal to it ships
      free, and the quote says so (``free_because``).
    * The same request gives the same quotes. An implementation that asks an
      outside service raises :class:`~commercekit.errors.ExternalServiceError`
      when it cannot answer.
    """

    def quotes(self, request: ShippingRequest) -> list[ShippingQuote]:
        """Every method that can ship the parcel, cheapest first, then by code."""
        ...

    def quote(self, method: str, request: ShippingRequest) -> ShippingQuote:
        """The quote of ``method`` for the parcel."""
        ...
