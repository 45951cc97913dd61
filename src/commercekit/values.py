"""Values that several contexts share.

This module grows with the contexts: each shared value (a SKU, a customer id,
an address, the personal-data mark) is declared here once, the first time two
contexts need it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Final, NewType, Self, TypeVar

import attrs
from babel import Locale

from commercekit.errors import ValidationError

__all__ = [
    "CountryCode",
    "CustomerFacts",
    "FrozenMap",
    "Sku",
    "TaxCategory",
    "as_utc",
    "country_code",
    "positive_int",
    "sku",
]

_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMap(Mapping[_K, _V]):
    """A read-only, hashable mapping for fields of frozen values.

    It compares equal to a dict with the same items, and copies of it (even
    deep ones) are itself, as nothing can change it.

    >>> options = FrozenMap({"color": "white", "size": "42"})
    >>> options["size"], options == {"size": "42", "color": "white"}
    ('42', True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = ()) -> None:
        self._data: dict[_K, _V] = dict(items)
        self._hash: int | None = None

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self

    def __reduce__(self) -> tuple[type[Self], tuple[dict[_K, _V]]]:
        return (type(self), (self._data,))


Sku = NewType("Sku", str)
"""A stock keeping unit: the merchant's code for one sellable variant."""

_SKU: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


def sku(value: str) -> Sku:
    """Check a stock keeping unit and return it as a :data:`Sku`.

    A SKU is 1 to 64 characters: letters, digits, ``.``, ``_``, ``/`` and
    ``-``, starting with a letter or digit. Case matters (``sneaker-42`` and
    ``SNEAKER-42`` are two SKUs), surrounding spaces do not.

    Raises:
        ValidationError: for anything else.

    >>> sku(" SNEAKER-WHITE-42 ")
    'SNEAKER-WHITE-42'
    """
    checked: object = value  # checked at run time too, for untyped callers
    if not isinstance(checked, str) or not _SKU.fullmatch(checked.strip()):
        msg = (
            f"SKU {value!r} is not valid: use 1 to 64 letters, digits, '.', '_', "
            "'/' or '-', starting with a letter or digit"
        )
        raise ValidationError(msg, field="sku")
    return Sku(checked.strip())


class TaxCategory(enum.StrEnum):
    """Which VAT rate of a country applies to a good or service."""

    STANDARD = "standard"
    """The standard rate, such as 19% in Germany."""
    REDUCED = "reduced"
    """The reduced rate, such as 7% in Germany for food and books."""
    SUPER_REDUCED = "super_reduced"
    """A super-reduced rate, where a country has one, as France and Spain do."""
    ZERO = "zero"
    """Taxable at a rate of zero."""
    EXEMPT = "exempt"
    """Exempt from VAT."""


def as_utc(value: datetime, *, field: str = "instant") -> datetime:
    """Check that ``value`` is a time-zone-aware instant and express it in UTC.

    commercekit stores and compares instants in UTC only. A naive datetime
    (one without ``tzinfo``) names no instant at all, so it is refused rather
    than guessed at.

    Args:
        value: An aware :class:`~datetime.datetime`.
        field: The argument's name, for the error message.

    Raises:
        ValidationError: if ``value`` is not a datetime or is naive.

    >>> from datetime import datetime, timezone, timedelta
    >>> as_utc(datetime(2020, 7, 1, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2020, 6, 30, 22, 0, tzinfo=datetime.timezone.utc)
    """
    checked: object = value  # checked at run time too, for untyped callers
    if not isinstance(checked, datetime):
        msg = f"{field} must be a datetime, not {type(checked).__name__}"
        raise ValidationError(msg, field=field)
    if checked.tzinfo is None or checked.utcoffset() is None:
        msg = (
            f"{field} {checked.isoformat()} has no time zone: pass an aware "
            "datetime, such as datetime.now(UTC)"
        )
        raise ValidationError(msg, field=field)
    return checked.astimezone(UTC)


def positive_int(value: object, *, field: str) -> int:
    """Check that ``value`` is an int of at least 1 (a count, a limit, a page).

    Raises:
        ValidationError: for anything else, ``True`` and ``2.0`` included.

    >>> positive_int(3, field="limit")
    3
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{field} must be a positive int, not {value!r}"
        raise ValidationError(msg, field=field)
    return value


CountryCode = NewType("CountryCode", str)
"""An ISO 3166-1 alpha-2 country code in capitals, such as ``"DE"``."""

# Codes babel knows as territories but that name no country.
_NOT_COUNTRIES: Final = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


_ALPHA_2: Final = 2


def _known_countries() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str)
        and len(code) == _ALPHA_2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
    )


_COUNTRIES: Final = _known_countries()


def country_code(value: str) -> CountryCode:
    """Check an ISO 3166-1 alpha-2 country code and return it in capitals.

    Greece is ``"GR"`` here, as in ISO 3166; its VAT ids use the prefix ``EL``.

    Raises:
        ValidationError: if ``value`` is not a country's two-letter code.

    >>> country_code(" de ")
    'DE'
    """
    checked: object = value  # checked at run time too, for untyped callers
    code = checked.strip().upper() if isinstance(checked, str) else None
    if code not in _COUNTRIES:
        msg = f"{value!r} is not an ISO 3166-1 alpha-2 country code, such as 'DE'"
        raise ValidationError(msg, field="country")
    return CountryCode(code)


def _optional_text(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"{attribute.name} must be non-empty text or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _count(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{attribute.name} must be an int of 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class CustomerFacts:
    """What the rules may know about a customer; the application fills it.

    Customers belong to the application. Where a rule needs more than a
    customer id (a price list for a customer group, VAT for a business buyer,
    a first-order promotion), the caller passes these facts.

    Args:
        customer_group: The group whose price lists and promotions apply.
        business: Whether the customer buys as a business (B2B).
        vat_id: The customer's VAT identification number, if any.
        vat_id_confirmed: Whether a VAT id service (VIES) confirmed
            ``vat_id``; see :func:`commercekit.pricing.confirm_vat_id`.
        order_count: How many orders the customer placed before.

    >>> CustomerFacts(business=True, vat_id="FR40303265045").vat_id_confirmed
    False
    """

    customer_group: str | None = attrs.field(default=None, validator=_optional_text)
    business: bool = attrs.field(default=False, validator=_flag)
    vat_id: str | None = attrs.field(default=None, validator=_optional_text)
    vat_id_confirmed: bool = attrs.field(default=False, validator=_flag)
    order_count: int = attrs.field(default=0, validator=_count)
