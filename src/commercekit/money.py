"""Exact money: amounts, currencies, rounding, splitting and formatting.

commercekit counts money with :class:`decimal.Decimal` inside
:class:`moneyed.Money`, never with floats. :class:`Money` is a thin subclass of
:class:`moneyed.Money` that closes py-moneyed's traps:

* a :class:`float` amount or factor raises :class:`~commercekit.errors.ValidationError`
  (``0.1 + 0.2`` is not ``0.3`` in binary floating point);
* adding, comparing or testing for equality two amounts in different
  currencies raises :class:`~commercekit.errors.CurrencyMismatchError` instead of
  quietly answering ``False``;
* an unknown currency code, a NaN or an infinite amount, or an amount beyond
  the range a shop needs raises :class:`~commercekit.errors.ValidationError`;
* amounts are immutable, and never negative zero.

Arithmetic keeps every digit. Rounding happens only where a rule says so, with
:func:`quantize`, to the currency's ISO 4217 minor units (:func:`minor_units`).
Splitting an amount (a discount over lines, a refund over items) uses
:func:`allocate`, whose parts always add up to the whole.
"""

from __future__ import annotations

import copy
import decimal
import enum
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Final, Self, TypeVar, overload

import moneyed
from babel import Locale, UnknownLocaleError

from commercekit.errors import CurrencyMismatchError, ValidationError

__all__ = [
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "Amount",
    "Money",
    "Rounding",
    "allocate",
    "as_money",
    "format_money",
    "from_minor_units",
    "get_currency",
    "minor_units",
    "money",
    "quantize",
    "split_evenly",
    "sum_money",
    "to_decimal",
    "zero",
]

Amount = Decimal | int | str
"""The types the library accepts as an amount (a ``Decimal``, an ``int`` or a
decimal string such as ``"19.99"``), never a ``float``."""

_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
)
"""The context of addition, subtraction and multiplication: they never round.

Money arithmetic names its contexts instead of using the thread's current one,
so no ``decimal.getcontext()`` setting elsewhere can change an amount."""

_DIVISION: Final = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)
"""Division rarely ends: it keeps 28 significant digits, then a rule rounds."""

MAX_MAGNITUDE: Final = 29
"""The highest place a leading digit may take, so numbers stay below ``10**30``."""

MIN_MAGNITUDE: Final = -40
"""The lowest place a leading digit may take, 40 places after the point.

Both bounds are on :meth:`decimal.Decimal.adjusted`. Far beyond any price,
they keep a hostile input such as ``"1e999999999"`` or ``"1e-999999999"`` from
making an innocent-looking rounding, sum or split run for minutes."""

_NOT_MONEY: Final = frozenset(
    # ISO 4217 lists no minor unit for these: metals, units of account, tests.
    [
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XPD",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
    ]
)

_FORMATTING: Final = decimal.Context(prec=MAX_MAGNITUDE - MIN_MAGNITUDE + 10)

_FLOAT_HINT: Final = (
    "pass a Decimal or a string such as '19.99' instead: floats cannot hold "
    "most decimal amounts exactly"
)


def _unsigned_zero(amount: Decimal) -> Decimal:
    """Turn ``-0.00`` into ``0.00``: a shop never shows or stores negative zero."""
    return amount.copy_abs() if not amount and amount.is_signed() else amount


_M = TypeVar("_M", bound="Money")
_new_object: Final = object.__new__


def _build(cls: type[_M], amount: Decimal, currency: moneyed.Currency) -> _M:
    """Make money from the module's own arithmetic, skipping the input checks.

    The amount is a finite Decimal and the currency one of the table's; only a
    negative zero is turned positive.
    """
    if not amount and amount.is_signed():
        amount = amount.copy_abs()
    made = _new_object(cls)
    fields = made.__dict__
    fields["amount"] = amount
    fields["currency"] = currency
    return made


def _divide(dividend: Decimal, divisor: Decimal) -> Decimal:
    if not divisor:
        msg = f"cannot divide {dividend} by zero"
        raise ValidationError(msg, field="divisor")
    return _DIVISION.divide(dividend, divisor)


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Turn an amount into a finite :class:`~decimal.Decimal`, exactly.

    Every function of commercekit that takes an amount, a rate or a weight uses
    this rule, so they all accept and refuse the same things.

    Args:
        value: A ``Decimal``, an ``int`` or a decimal string.
        field: The name of the argument, used in the error message.

    Returns:
        The value as a ``Decimal``, without any rounding.

    Raises:
        ValidationError: for a ``float``, a ``bool``, a string that is not a
            decimal number, NaN, an infinity, or any other type.

    >>> to_decimal("19.99")
    Decimal('19.99')
    >>> to_decimal(0.1)
    Traceback (most recent call last):
    ...
    commercekit.errors.ValidationError: amount is the float 0.1: pass a Decimal ...
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        msg = f"{field} is the float {value!r}: {_FLOAT_HINT}"
        raise ValidationError(msg, field=field)
    elif isinstance(value, bool):
        msg = f"{field} must be a number, not the bool {value!r}"
        raise ValidationError(msg, field=field)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation as exc:
            msg = f"{field} {value!r} is not a decimal number"
            raise ValidationError(msg, field=field) from exc
    else:
        msg = (
            f"{field} must be a Decimal, an int or a decimal string, "
            f"not {type(value).__name__}"
        )
        raise ValidationError(msg, field=field)
    if not result.is_finite():
        msg = f"{field} must be a finite number, not {result}"
        raise ValidationError(msg, field=field)
    if not MIN_MAGNITUDE <= result.adjusted() <= MAX_MAGNITUDE:
        msg = (
            f"{field} {value!r} is out of range: commercekit takes numbers below "
            f"10**{MAX_MAGNITUDE + 1} whose first digit is at most "
            f"{-MIN_MAGNITUDE} places after the point"
        )
        raise ValidationError(msg, field=field)
    return _unsigned_zero(result)


def get_currency(code: str | moneyed.Currency) -> moneyed.Currency:
    """Look up an ISO 4217 currency by its code.

    Args:
        code: A three-letter code such as ``"EUR"`` (any case), or a currency.

    Returns:
        The currency of py-moneyed's ISO 4217 table.

    Raises:
        ValidationError: if the code is not in the table, or names something
            that has no minor unit (gold, special drawing rights, test codes).
    """
    value: object = code  # checked at run time too, for untyped callers
    if isinstance(value, moneyed.Currency):
        value = value.code
    if not isinstance(value, str):
        msg = f"currency must be a code such as 'EUR', not {type(value).__name__}"
        raise ValidationError(msg, field="currency")
    normalized = value.strip().upper()
    if normalized in _NOT_MONEY:
        msg = (
            f"{normalized} has no minor unit in ISO 4217 (a metal, a unit of "
            "account or a test code), so it cannot be an amount to pay"
        )
        raise ValidationError(msg, field="currency")
    found = moneyed.CURRENCIES.get(normalized)
    if found is None:
        msg = f"unknown currency code {value!r}: use an ISO 4217 code such as 'EUR'"
        raise ValidationError(msg, field="currency")
    return found


def minor_units(currency: str | moneyed.Currency) -> int:
    """The number of decimal places of a currency's minor unit (ISO 4217).

    This is the legal exponent (EUR 2, JPY 0, KWD 3), taken from py-moneyed's
    ISO table, not babel's display digits, which differ for dozens of currencies
    (babel shows IQD with 0 places; ISO 4217 gives it 3).

    Raises:
        ValidationError: if the currency is unknown.

    >>> minor_units("EUR"), minor_units("JPY"), minor_units("KWD")
    (2, 0, 3)
    """
    if isinstance(currency, moneyed.Currency):
        return _currency_and_places(currency.code)[1]
    given: object = currency  # checked at run time too, for untyped callers
    if not isinstance(given, str):
        get_currency(currency)  # raises the error that explains it
    return _currency_and_places(currency)[1]


def _exponent(currency: moneyed.Currency) -> int:
    sub_unit = currency.sub_unit
    exponent = len(str(sub_unit)) - 1
    if sub_unit != 10**exponent:  # pragma: no cover - py-moneyed's table is decimal
        msg = f"currency {currency.code!r} has a non-decimal minor unit ({sub_unit})"
        raise ValidationError(msg, field="currency")
    return exponent


@functools.cache
def _currency_and_places(code: str) -> tuple[moneyed.Currency, int]:
    found = get_currency(code)
    return found, _exponent(found)


def from_minor_units(units: int, currency: str) -> Money:
    """The amount of ``units`` minor units (cents) of ``currency``.

    For amounts kept as whole minor units, as the price breakdown keeps
    them; the count may be negative.

    Raises:
        ValidationError: if the currency is unknown or ``units`` not an int.

    >>> from_minor_units(5997, "EUR"), from_minor_units(5997, "JPY")
    (Money('59.97', 'EUR'), Money('5997', 'JPY'))
    >>> from_minor_units(5997, "KWD")
    Money('5.997', 'KWD')
    """
    if type(units) is not int:
        checked: object = units  # checked at run time too, for untyped callers
        if isinstance(checked, bool) or not isinstance(checked, int):
            msg = f"minor units are an int, not {units!r}"
            raise ValidationError(msg, field="units")
    code: object = currency
    if not isinstance(code, str):
        msg = f"currency must be a code such as 'EUR', not {code!r}"
        raise ValidationError(msg, field="currency")
    found, places = _currency_and_places(code)
    amount = Decimal(units).scaleb(-places, _EXACT)
    if units and amount.adjusted() > MAX_MAGNITUDE:
        msg = f"{units} minor units of {found.code} are beyond the amounts money holds"
        raise ValidationError(msg, field="units")
    return _build(Money, amount, found)


class Money(moneyed.Money):
    """An exact amount in one currency; a :class:`moneyed.Money`, made strict.

    Build one with :func:`money` or directly: ``Money("19.99", "EUR")``.
    Arithmetic keeps every digit; call :func:`quantize` where a rule rounds.

    Amounts are immutable: assigning to ``amount`` or ``currency`` raises.

    Raises:
        ValidationError: for a float, non-finite or out-of-range amount, or an
            unknown currency.
        CurrencyMismatchError: when ``+``, ``-``, ``/``, ``==``, ``<`` and the
            other comparisons meet two currencies.
    """

    def __init__(self, amount: Amount, currency: str | moneyed.Currency) -> None:
        fields = self.__dict__
        fields["amount"] = to_decimal(amount)
        fields["currency"] = get_currency(currency)

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"Money is immutable: make a new amount instead of setting {name!r}"
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        msg = f"Money is immutable: {name!r} cannot be deleted"
        raise AttributeError(msg)

    def _same_currency(self, other: moneyed.Money) -> None:
        if self.currency is not other.currency and self.currency != other.currency:
            raise CurrencyMismatchError(
                expected=self.currency.code, got=other.currency.code
            )

    def __add__(self, other: object) -> Self:
        if isinstance(other, moneyed.Money):
            if other.currency is not self.currency:
                self._same_currency(other)
            return _build(
                type(self), _EXACT.add(self.amount, other.amount), self.currency
            )
        if type(other) is int and other == 0:
            # Keeps ``sum(amounts)`` working, which starts from the int 0.
            return self
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: object) -> Self:
        if isinstance(other, moneyed.Money):
            self._same_currency(other)
            return _build(
                type(self), _EXACT.subtract(self.amount, other.amount), self.currency
            )
        return NotImplemented

    def __rsub__(self, other: object) -> Self:
        if isinstance(other, moneyed.Money):
            self._same_currency(other)
            return _build(
                type(self), _EXACT.subtract(other.amount, self.amount), self.currency
            )
        return NotImplemented

    def __mul__(self, other: Amount) -> Self:  # type: ignore[override]
        value: object = other  # checked at run time too, for untyped callers
        if isinstance(value, moneyed.Money):
            return NotImplemented  # money times money means nothing
        factor = to_decimal(value, field="factor")
        return _build(type(self), _EXACT.multiply(self.amount, factor), self.currency)

    __rmul__ = __mul__  # type: ignore[assignment]

    @overload  # type: ignore[override]
    def __truediv__(self, other: moneyed.Money) -> Decimal: ...
    @overload
    def __truediv__(self, other: Amount) -> Self: ...
    def __truediv__(self, other: object) -> Self | Decimal:
        """Divide by a number (an amount comes back) or by money (a ratio)."""
        if isinstance(other, moneyed.Money):
            self._same_currency(other)
            return _divide(self.amount, other.amount)
        divisor = to_decimal(other, field="divisor")
        return _build(type(self), _divide(self.amount, divisor), self.currency)

    def __rtruediv__(self, other: object) -> Decimal:  # type: ignore[override]
        if isinstance(other, moneyed.Money):
            if self.currency is not other.currency and self.currency != other.currency:
                raise CurrencyMismatchError(
                    expected=other.currency.code, got=self.currency.code
                )
            return _divide(other.amount, self.amount)
        return NotImplemented

    def __rmod__(self, other: object) -> Self:
        percent = to_decimal(other, field="percentage")
        return _build(
            type(self),
            _EXACT.divide(_EXACT.multiply(percent, self.amount), 100),
            self.currency,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, moneyed.Money):
            return False
        self._same_currency(other)
        return self.amount == other.amount

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = moneyed.Money.__hash__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, moneyed.Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, moneyed.Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, moneyed.Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, moneyed.Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount

    def round(self, ndigits: int | None = 0) -> Self:
        """Round to ``ndigits`` decimal places, half up (commercial rounding).

        py-moneyed's own ``round`` follows the ambient :mod:`decimal` context,
        which rounds half to even by default; commercekit never lets a global
        setting pick the rounding. Prefer :func:`quantize`, which rounds to the
        currency's minor units and names the mode.
        """
        places: object = 0 if ndigits is None else ndigits
        if isinstance(places, bool) or not isinstance(places, int):
            msg = f"ndigits must be an int, not {places!r}"
            raise ValidationError(msg, field="ndigits")
        rounded = _round_amount(self.amount, places, Rounding.HALF_UP)
        return _build(type(self), rounded, self.currency)

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"

    def __str__(self) -> str:
        """The amount and the code, every digit kept: ``19.99 EUR``.

        Use :func:`format_money` to show an amount to people in their locale.
        """
        return f"{self.amount} {self.currency.code}"


def money(amount: Amount, currency: str | moneyed.Currency) -> Money:
    """Make an amount of money, exactly as given.

    Args:
        amount: A ``Decimal``, an ``int`` or a decimal string; never a float.
        currency: An ISO 4217 code such as ``"EUR"``.

    Raises:
        ValidationError: for a float, a non-finite or malformed amount, or an
            unknown currency.

    >>> money("19.99", "EUR")
    Money('19.99', 'EUR')
    """
    return Money(amount, currency)


def zero(currency: str | moneyed.Currency) -> Money:
    """Nothing, in ``currency``: the start of a sum.

    >>> zero("JPY")
    Money('0', 'JPY')
    """
    return Money(Decimal(0), currency)


def as_money(value: object, *, field: str = "amount") -> Money:
    """``value`` as commercekit's :class:`Money`, or a clear error.

    A :class:`moneyed.Money` becomes a :class:`Money` (and so refuses what
    this module refuses); anything else is bad input.

    Raises:
        ValidationError: for anything but an amount of money, naming ``field``.

    >>> import moneyed
    >>> as_money(moneyed.Money("9.99", "EUR"))
    Money('9.99', 'EUR')
    """
    if isinstance(value, Money):
        return value
    if isinstance(value, moneyed.Money):
        return Money(value.amount, value.currency)
    msg = f"{field} must be Money, such as money('9.99', 'EUR'), not {value!r}"
    raise ValidationError(msg, field=field)


_as_money = as_money


def sum_money(
    amounts: Iterable[moneyed.Money], currency: str | moneyed.Currency
) -> Money:
    """Add up amounts of one currency; an empty iterable gives zero.

    Unlike the builtin :func:`sum`, which returns the int ``0`` for no items,
    this always returns :class:`Money` in ``currency``.

    Raises:
        CurrencyMismatchError: if an amount is in another currency.

    >>> sum_money([money("1.10", "EUR"), money("2.20", "EUR")], "EUR")
    Money('3.30', 'EUR')
    >>> sum_money([], "EUR")
    Money('0', 'EUR')
    """
    code = get_currency(currency)
    total = Decimal(0)
    items: Iterable[object] = amounts  # checked at run time too
    with decimal.localcontext(_EXACT):  # once for the loop: `+` is exact here
        for item in items:
            if not isinstance(item, moneyed.Money):
                msg = f"expected Money, got {type(item).__name__}"
                raise ValidationError(msg)
            if item.currency is not code and item.currency != code:
                raise CurrencyMismatchError(expected=code.code, got=item.currency.code)
            total += item.amount
    return _build(Money, total, code)


class Rounding(enum.StrEnum):
    """How :func:`quantize` rounds; the values are :mod:`decimal`'s constants."""

    HALF_UP = decimal.ROUND_HALF_UP
    """Commercial rounding, the default; halves go away from zero (2.345 → 2.35)."""
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    """Banker's rounding; halves go to the even digit (2.345 → 2.34, 2.355 → 2.36)."""
    HALF_DOWN = decimal.ROUND_HALF_DOWN
    """Halves go toward zero (2.345 → 2.34)."""
    UP = decimal.ROUND_UP
    """Away from zero (2.341 → 2.35)."""
    DOWN = decimal.ROUND_DOWN
    """Toward zero, that is truncation (2.349 → 2.34)."""
    CEILING = decimal.ROUND_CEILING
    """Toward positive infinity."""
    FLOOR = decimal.ROUND_FLOOR
    """Toward negative infinity."""


_ROUNDING_VALUES: Final = frozenset(mode.value for mode in Rounding)


def _round_amount(amount: Decimal, places: int, rounding: Rounding) -> Decimal:
    """Round ``amount`` to ``places`` decimals: the one rounding of the module.

    It runs in an unlimited context, so neither a long amount nor the caller's
    :mod:`decimal` settings can change or refuse the result.
    """
    return _unsigned_zero(
        amount.quantize(Decimal(1).scaleb(-places), rounding.value, _EXACT)
    )


def _rounding(value: object) -> Rounding:
    if isinstance(value, str) and value in _ROUNDING_VALUES:
        return Rounding(value)
    modes = ", ".join(mode.name for mode in Rounding)
    msg = f"rounding must be a Rounding ({modes}), not {value!r}"
    raise ValidationError(msg, field="rounding")


def quantize(value: moneyed.Money, rounding: Rounding = Rounding.HALF_UP) -> Money:
    """Round an amount to its currency's minor units.

    Call it at the named points of a rule (a line total, a tax amount), not after
    every operation. Quantizing twice changes nothing.

    Args:
        value: The amount to round.
        rounding: The rounding mode; commercial rounding (half up) by default.

    >>> quantize(money("2.345", "EUR"))
    Money('2.35', 'EUR')
    >>> quantize(money("2.345", "EUR"), Rounding.HALF_EVEN)
    Money('2.34', 'EUR')
    >>> quantize(money("1234.5", "JPY"))
    Money('1235', 'JPY')
    """
    amount = _as_money(value)
    places = minor_units(amount.currency)
    rounded = _round_amount(amount.amount, places, _rounding(rounding))
    return _build(type(amount), rounded, amount.currency)


def _minor_units_of(value: Money, places: int) -> int:
    scaled = value.amount.scaleb(places, _EXACT)
    if scaled != scaled.to_integral_value():
        msg = (
            f"cannot split {value.amount} {value.currency.code} into whole minor "
            f"units ({places} decimal places): quantize it first"
        )
        raise ValidationError(msg, field="total")
    return int(scaled)


def _weights(weights: Iterable[Amount | moneyed.Money]) -> list[Decimal]:
    numbers = [
        weight.amount
        if isinstance(weight, moneyed.Money)
        else to_decimal(weight, field=f"weights[{position}]")
        for position, weight in enumerate(weights)
    ]
    if not numbers:
        msg = "allocate needs at least one weight"
        raise ValidationError(msg, field="weights")
    for position, number in enumerate(numbers):
        if number < 0:
            msg = f"weights must not be negative; weights[{position}] is {number}"
            raise ValidationError(msg, field="weights")
    return numbers


def allocate(
    total: moneyed.Money, weights: Iterable[Amount | moneyed.Money]
) -> list[Money]:
    """Split ``total`` into parts proportional to ``weights``, to the minor unit.

    The rule is the largest-remainder method: every part first gets its exact
    share rounded toward zero, then the minor units still missing go one each
    to the parts that lost the most in that rounding. Where two parts lost the
    same, the earlier one wins. So:

    * the parts always add up to exactly ``total``;
    * each part is less than one minor unit from its exact share;
    * the same input always gives the same output;
    * a negative total splits like its positive counterpart, with signs flipped.

    Args:
        total: The amount to split, in whole minor units (quantize it first).
        weights: One non-negative weight per part: Decimals, ints, decimal
            strings, or amounts of money (such as the lines' totals). They need
            not add up to 1. If they add up to zero, only a zero total can be
            split (into zeros).

    Returns:
        One amount per weight, in the same order.

    Raises:
        ValidationError: for no weights, a negative or float weight, weights that
            add up to zero, or a total with digits below the minor unit.

    >>> allocate(money("1.00", "EUR"), [1, 1, 1])
    [Money('0.34', 'EUR'), Money('0.33', 'EUR'), Money('0.33', 'EUR')]
    >>> allocate(money("-0.05", "EUR"), [1, 1, 1])
    [Money('-0.02', 'EUR'), Money('-0.02', 'EUR'), Money('-0.01', 'EUR')]
    """
    whole = _as_money(total)
    places = minor_units(whole.currency)
    units = _minor_units_of(whole, places)
    numbers = _weights(weights)
    sign = -1 if units < 0 else 1
    remaining = abs(units)
    parts: list[int] = []
    remainders: list[Decimal] = []
    # Exact arithmetic: products and integer division never round here.
    with decimal.localcontext(_EXACT):
        weight_sum = sum(numbers, Decimal(0))
        if weight_sum == 0:
            if remaining == 0:
                return [
                    _build(type(whole), Decimal(0).scaleb(-places), whole.currency)
                ] * len(numbers)
            msg = "the weights add up to zero, so there is no proportion to split by"
            raise ValidationError(msg, field="weights")
        for weight in numbers:
            part, remainder = divmod(remaining * weight, weight_sum)
            parts.append(int(part))
            remainders.append(remainder)
    missing = remaining - sum(parts)
    # Largest remainder first; the sort is stable, so among equal remainders
    # the earlier position comes first (reverse=True keeps stability).
    order = sorted(range(len(parts)), key=remainders.__getitem__, reverse=True)
    for index in order[:missing]:
        parts[index] += 1
    currency = whole.currency
    return [
        _build(type(whole), Decimal(sign * part).scaleb(-places, _EXACT), currency)
        for part in parts
    ]


def split_evenly(total: moneyed.Money, n: int) -> list[Money]:
    """Split ``total`` into ``n`` shares as equal as the minor unit allows.

    The first shares take the leftover minor units, so the shares add up to
    ``total`` and differ by at most one minor unit.

    Raises:
        ValidationError: if ``n`` is not a positive int, or the total has digits
            below the minor unit.

    >>> split_evenly(money("10.00", "EUR"), 3)
    [Money('3.34', 'EUR'), Money('3.33', 'EUR'), Money('3.33', 'EUR')]
    """
    count: object = n  # checked at run time too, for untyped callers
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        msg = f"the number of shares must be a positive int, not {n!r}"
        raise ValidationError(msg, field="n")
    return allocate(total, [1] * count)


def format_money(
    value: moneyed.Money, locale: str, rounding: Rounding = Rounding.HALF_UP
) -> str:
    r"""Format an amount for people, in a locale's way.

    The amount is first rounded to the currency's ISO 4217 minor units with
    commercekit's rounding (babel is only asked to format, never to round),
    then laid out by babel with the locale's symbols and separators. Locales
    such as ``de_DE`` put a no-break space (U+00A0) before the symbol.

    Args:
        value: The amount.
        locale: A locale identifier such as ``"de_DE"`` or ``"en_US"``.
        rounding: How to round amounts with more digits than the currency has.

    Raises:
        ValidationError: if the locale is unknown.

    >>> format_money(money("1234.5", "EUR"), "en_US")
    '€1,234.50'
    >>> format_money(money("1234.5", "EUR"), "de_DE")
    '1.234,50\xa0€'
    """
    rounded = quantize(value, rounding)
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        msg = f"unknown locale {locale!r}: use an identifier such as 'de_DE'"
        raise ValidationError(msg, field="locale") from exc
    places = minor_units(rounded.currency)
    # The locale's layout, with the ISO 4217 number of decimals instead of CLDR's.
    pattern = copy.copy(parsed.currency_formats["standard"])
    pattern.frac_prec = (places, places)
    # babel computes in the thread's decimal context; give it one that holds
    # every digit of any amount to_decimal admits.
    with decimal.localcontext(_FORMATTING):
        return str(
            pattern.apply(
                rounded.amount,
                parsed,
                currency=rounded.currency.code,
                currency_digits=False,
            )
        )
