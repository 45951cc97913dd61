"""The built-in shipping rates: a table of methods, zones and weight bands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import format_money, from_minor_units
from commercekit.pricing._checks import _check_list
from commercekit.pricing._errors import ShippingMethodUnavailableError
from commercekit.pricing._shipping import (
    ShippingQuote,
    ShippingRates,
    ShippingRequest,
    _code,
)
from commercekit.pricing._shipping_methods import ShippingMethod, ShippingZone

__all__ = ["TableRates"]


class TableRates(ShippingRates):
    """The built-in :class:`ShippingRates`: shipping methods as data, in one currency.

    Each :class:`ShippingMethod` has a :class:`ZoneRate` per
    :class:`ShippingZone`: a flat price or :class:`WeightBand` prices, and
    optionally a goods total from which it ships free (inclusive). A method
    is offered when it has a rate for the destination country and the
    parcel is not heavier than that rate's heaviest band.

    Args:
        methods: The shipping methods, at least one, with distinct codes,
            all in one currency. A zone code means the same countries in
            every method that uses it.

    Raises:
        ValidationError: for bad input, such as two methods with one code.
        CurrencyMismatchError: for methods in more than one currency; from
            :meth:`quotes` and :meth:`quote`, for a request in another
            currency.
        ShippingMethodUnavailableError: from :meth:`quote`.

    >>> import attrs
    >>> from commercekit.money import money
    >>> from commercekit.pricing import ShippingMethod, ShippingZone, ZoneRate
    >>> def eur(amount):
    ...     return money(amount, "EUR")
    >>> germany = ShippingZone("DE", ["DE"])
    >>> standard = ShippingMethod(
    ...     "standard",
    ...     "Standard",
    ...     [ZoneRate(germany, price=eur("4.90"), free_above=eur("50.00"))],
    ... )
    >>> express = ShippingMethod(
    ...     "express", "Express", [ZoneRate(germany, price=eur("9.90"))]
    ... )
    >>> rates = TableRates([standard, express])
    >>> request = ShippingRequest(
    ...     country="DE", goods_total=eur("39.98"), weight_grams=1200
    ... )
    >>> [(quote.method, quote.price) for quote in rates.quotes(request)]
    [('standard', Money('4.90', 'EUR')), ('express', Money('9.90', 'EUR'))]
    >>> free = rates.quote("standard", attrs.evolve(request, goods_total=eur("50")))
    >>> free.price, free.free_because
    (Money('0.00', 'EUR'), 'free shipping from €50.00')
    """

    def __init__(self, methods: Iterable[ShippingMethod]) -> None:
        checked = tuple(_check_list(ShippingMethod, methods, "methods"))
        if not checked:
            msg = "a table of shipping rates needs at least one method"
            raise ValidationError(msg, field="methods")
        zones: dict[str, ShippingZone] = {}
        by_code: dict[str, ShippingMethod] = {}
        for method in checked:
            if method.code in by_code:
                msg = f"two shipping methods have the code {method.code!r}"
                raise ValidationError(msg, field="methods")
            by_code[method.code] = method
            if method.currency != checked[0].currency:
                raise CurrencyMismatchError(
                    expected=checked[0].currency, got=method.currency, field="methods"
                )
            for rate in method.rates:
                known = zones.setdefault(rate.zone.code, rate.zone)
                if known != rate.zone:
                    msg = (
                        f"zone {rate.zone.code!r} has other countries in shipping "
                        f"method {method.code!r} than before: give each zone one "
                        "code, and use it in every method"
                    )
                    raise ValidationError(msg, field="methods")
        self.methods: Final = checked
        """The methods, in the order given."""
        self.currency: Final = checked[0].currency
        """The currency code of every amount in the table."""
        self._by_code: Final = by_code

    def __repr__(self) -> str:
        codes = tuple(method.code for method in self.methods)
        return f"TableRates(currency={self.currency!r}, methods={codes!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TableRates):
            return self.methods == other.methods
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.methods)

    def quotes(self, request: ShippingRequest) -> list[ShippingQuote]:
        """Every method that ships to the country at the weight, cheapest first.

        Methods of one price are ordered by their code.

        Raises:
            CurrencyMismatchError: for a request in another currency.
        """
        self._check(request)
        offered = [
            quote
            for method in self.methods
            if isinstance(quote := self._offer(method, request), ShippingQuote)
        ]
        offered.sort(key=lambda quote: (quote.price.amount, quote.method))
        return offered

    def quote(self, method: str, request: ShippingRequest) -> ShippingQuote:
        """The quote of ``method`` for the request.

        Raises:
            ShippingMethodUnavailableError: if no method has the code, or it
                has no rate for the country, or the parcel is too heavy for it.
            CurrencyMismatchError: for a request in another currency.
        """
        self._check(request)
        code = _code(method, "method")
        found = self._by_code.get(code)
        if found is None:
            raise ShippingMethodUnavailableError(
                method=code,
                rule="unknown_shipping_method",
                country=request.country,
                weight_grams=request.weight_grams,
            )
        offer = self._offer(found, request)
        if isinstance(offer, ShippingMethodUnavailableError):
            raise offer
        return offer

    def _check(self, request: object) -> None:
        if not isinstance(request, ShippingRequest):
            msg = f"request must be a ShippingRequest, not {request!r}"
            raise ValidationError(msg, field="request")
        if request.currency != self.currency:
            msg = (
                f"the shipping rates are in {self.currency}, the goods total in "
                f"{request.currency}: ask with a goods total in {self.currency}"
            )
            raise CurrencyMismatchError(
                msg, expected=self.currency, got=request.currency, field="goods_total"
            )

    @staticmethod
    def _offer(
        method: ShippingMethod, request: ShippingRequest
    ) -> ShippingQuote | ShippingMethodUnavailableError:
        """The method's quote, or the error that says why it cannot ship."""
        rate = method.rate_for(request.country)
        if rate is None:
            return ShippingMethodUnavailableError(
                method=method.code,
                rule="no_shipping_rate_for_country",
                country=request.country,
                weight_grams=request.weight_grams,
            )
        price = rate.price_for(request.weight_grams)
        if price is None:
            return ShippingMethodUnavailableError(
                method=method.code,
                rule="parcel_too_heavy",
                country=request.country,
                weight_grams=request.weight_grams,
                max_grams=rate.max_grams,
            )
        threshold = rate.free_above
        if threshold is None or request.goods_total < threshold:
            return ShippingQuote(
                method=method.code, name=method.name, price=price, free_above=threshold
            )
        return ShippingQuote(
            method=method.code,
            name=method.name,
            price=from_minor_units(0, price.currency.code),
            free_above=threshold,
            free_because=f"free shipping from {format_money(threshold, 'en')}",
        )
