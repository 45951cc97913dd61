"""Values that several contexts share.

This module grows with the contexts: each shared value (a SKU, a customer id,
an address, the personal-data mark) is declared here once, the first time two
contexts need it.

Personal data is marked where it is declared: a field made with
``attrs.field(metadata=personal(), repr=redacted)`` is personal data. The mark
is what the GDPR export and erasure read (:func:`personal_fields`), and the
``repr`` of such a value shows ``'***'`` in its place, so logs and tracebacks
carry no name, e-mail, phone or street.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Final, NewType, Self, TypeVar

import attrs
from babel import Locale, UnknownLocaleError

from commercekit.errors import ValidationError

__all__ = [
    "PERSONAL_DATA",
    "Address",
    "CountryCode",
    "CustomerFacts",
    "FrozenMap",
    "Sku",
    "TaxCategory",
    "as_utc",
    "country_code",
    "identifier",
    "personal",
    "personal_fields",
    "positive_int",
    "redacted",
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
        ValidationError: if ``value`` is not a datetime, is naive, or lies
            past the calendar's end once in UTC.

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
    try:
        return checked.astimezone(UTC)
    except OverflowError as exc:
        msg = f"{field} {checked.isoformat()} cannot be expressed in UTC"
        raise ValidationError(msg, field=field) from exc


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


def identifier(value: object, *, field: str) -> str:
    """Check an identifier or code: non-empty printable text, no surrounding space.

    The rule of every id and code commercekit takes (a cart's id, a stock
    location, a shipping method's code, a reservation's reference), so that
    all of them refuse the same input with the same words.

    Args:
        value: The identifier.
        field: The argument's name, for the error.

    Raises:
        ValidationError: for anything else: not text, empty, a space or a
            control character at either end, a line break inside.

    >>> identifier("cart-1", field="cart_id")
    'cart-1'
    """
    if (
        not isinstance(value, str)
        or not value.strip()
        or value != value.strip()
        or not value.isprintable()
    ):
        msg = (
            f"{field} must be non-empty printable text without surrounding "
            f"space, not {value!r}"
        )
        raise ValidationError(msg, field=field)
    return str(value)


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


PERSONAL_DATA: Final = "commercekit.personal_data"
"""The key of the ``attrs`` field metadata that marks personal data."""


def personal() -> dict[str, object]:
    """Field metadata that marks an ``attrs`` field as personal data.

    Use it with :func:`redacted`, so the field's value stays out of ``repr``:

    >>> @attrs.frozen
    ... class Contact:
    ...     email: str = attrs.field(metadata=personal(), repr=redacted)
    ...     newsletter: bool = False
    >>> Contact("ada@example.com")
    Contact(email='***', newsletter=False)
    >>> personal_fields(Contact)
    ('email',)
    """
    return {PERSONAL_DATA: True}


def redacted(value: object) -> str:
    """Show a personal value in a ``repr`` as ``'***'``, and ``None`` as ``None``.

    >>> redacted("Ada Lovelace"), redacted(None)
    ("'***'", 'None')
    """
    return "None" if value is None else "'***'"


def personal_fields(cls: type[Any]) -> tuple[str, ...]:
    """The names of the fields of an ``attrs`` class marked :func:`personal`.

    Raises:
        ValidationError: if ``cls`` is not an ``attrs`` class.

    >>> personal_fields(Address)
    ('name', 'company', 'street', 'street_2', 'postal_code', 'phone')
    """
    if not attrs.has(cls):
        msg = f"{cls!r} is not an attrs class"
        raise ValidationError(msg, field="cls")
    return tuple(
        field.name for field in attrs.fields(cls) if field.metadata.get(PERSONAL_DATA)
    )


_ADDRESS_TEXT_LIMIT: Final = 200

# Countries whose addresses have no postal code (or where it is optional, as
# Ireland's Eircode is): the code may be left out there.
_NO_POSTAL_CODE_LIST: Final = (
    "AE AG AO AW BF BI BJ BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ "
    "GY HK IE JM KI KM KN KP LC ML MO MR MW NR NU QA RW SB SC SL SR ST SY TD TF "
    "TG TK TL TO TT TV UG VU YE ZW"
)
_NO_POSTAL_CODE: Final = frozenset(_NO_POSTAL_CODE_LIST.split())

# The form of postal codes where it is fixed, after upper-casing and
# trimming. Other countries' codes are only checked for being printable text.
_POSTAL_CODES: Final = {
    country: re.compile(pattern)
    for country, pattern in {
        "AT": r"\d{4}",
        "BE": r"\d{4}",
        "BG": r"\d{4}",
        "CH": r"\d{4}",
        "CY": r"\d{4}",
        "CZ": r"\d{3} ?\d{2}",
        "DE": r"\d{5}",
        "DK": r"\d{4}",
        "EE": r"\d{5}",
        "ES": r"\d{5}",
        "FI": r"\d{5}",
        "FR": r"\d{5}",
        "GR": r"\d{3} ?\d{2}",
        "HR": r"\d{5}",
        "HU": r"\d{4}",
        "IT": r"\d{5}",
        "LI": r"\d{4}",
        "LT": r"(LT-)?\d{5}",
        "LU": r"(L-)?\d{4}",
        "LV": r"(LV-)?\d{4}",
        "MT": r"[A-Z]{3} ?\d{4}",
        "NL": r"\d{4} ?[A-Z]{2}",
        "NO": r"\d{4}",
        "PL": r"\d{2}-\d{3}",
        "PT": r"\d{4}-\d{3}",
        "RO": r"\d{6}",
        "SE": r"\d{3} ?\d{2}",
        "SI": r"\d{4}",
        "SK": r"\d{3} ?\d{2}",
        "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
        "US": r"\d{5}(-\d{4})?",
    }.items()
}


def _address_text(field: str, value: object, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            msg = f"an address needs a {field.replace('_', ' ')}"
            raise ValidationError(msg, field=field)
        return None
    if (
        not isinstance(value, str)
        or not value.strip().isprintable()
        or len(value.strip()) > _ADDRESS_TEXT_LIMIT
    ):
        shown = value if field in {"city", "region"} else type(value).__name__
        msg = (
            f"the {field.replace('_', ' ')} of an address must be printable text "
            f"of at most {_ADDRESS_TEXT_LIMIT} characters (got {shown!r})"
        )
        raise ValidationError(msg, field=field)
    return " ".join(value.split())


def _required_text(field: str, value: object) -> str:
    text = _address_text(field, value, required=True)
    assert text is not None  # noqa: S101 - required text is never None
    return text


def _name(value: object) -> str:
    return _required_text("name", value)


def _street(value: object) -> str:
    return _required_text("street", value)


def _city(value: object) -> str:
    return _required_text("city", value)


def _company(value: object) -> str | None:
    return _address_text("company", value, required=False)


def _street_2(value: object) -> str | None:
    return _address_text("street_2", value, required=False)


def _region(value: object) -> str | None:
    return _address_text("region", value, required=False)


def _phone(value: object) -> str | None:
    return _address_text("phone", value, required=False)


def _postal_code(value: object) -> str | None:
    text = _address_text("postal_code", value, required=False)
    return None if text is None else text.upper()


@attrs.frozen(kw_only=True)
class Address:
    """A postal address, for shipping or billing.

    Text is trimmed and inner runs of space become one; empty optional text
    becomes ``None``. The postal code is upper-cased and checked against its
    country's form where that is fixed (``"10115"`` in Germany, ``"1011 AB"``
    in the Netherlands, ``"SW1A 1AA"`` in the United Kingdom); it may be left
    out only where the country has none (Ireland, Hong Kong, ...).

    Name, company, street, second line, postal code and phone are personal
    data: marked :func:`personal` and hidden in ``repr``.

    Args:
        name: The recipient's full name.
        street: Street and house number.
        postal_code: The postal code.
        city: The city or town.
        country: The ISO 3166-1 alpha-2 country code.
        company: A company name, if any.
        street_2: A second address line (c/o, floor, door), if any.
        region: A state or province where the post needs one.
        phone: A phone number for the carrier, if any.

    Raises:
        ValidationError: for a missing required field (naming it), text
            that is not printable or longer than 200 characters, an unknown
            country, or a postal code of the wrong form for its country.

    >>> address = Address(
    ...     name="Ada  Lovelace", street="Unter den Linden 1",
    ...     postal_code="10117", city="Berlin", country="de",
    ... )
    >>> address
    Address(name='***', company=None, street='***', street_2=None, postal_code='***', city='Berlin', region=None, country='DE', phone=None)
    >>> address.name, address.lines()[-1]
    ('Ada Lovelace', 'Germany')
    """  # noqa: E501 - a doctest's output is one line

    name: str = attrs.field(converter=_name, metadata=personal(), repr=redacted)
    company: str | None = attrs.field(
        default=None, converter=_company, metadata=personal(), repr=redacted
    )
    street: str = attrs.field(converter=_street, metadata=personal(), repr=redacted)
    street_2: str | None = attrs.field(
        default=None,
        converter=_street_2,
        metadata=personal(),
        repr=redacted,
    )
    postal_code: str | None = attrs.field(
        default=None, converter=_postal_code, metadata=personal(), repr=redacted
    )
    city: str = attrs.field(converter=_city)
    region: str | None = attrs.field(default=None, converter=_region)
    country: CountryCode = attrs.field(converter=country_code)
    phone: str | None = attrs.field(
        default=None, converter=_phone, metadata=personal(), repr=redacted
    )

    def __attrs_post_init__(self) -> None:
        code = self.postal_code
        if code is None:
            if self.country not in _NO_POSTAL_CODE:
                msg = f"an address in {self.country} needs a postal code"
                raise ValidationError(msg, field="postal_code")
            return
        pattern = _POSTAL_CODES.get(self.country)
        if pattern is not None and not pattern.fullmatch(code):
            msg = (
                f"{code!r} is not a postal code of {self.country}: expected the "
                f"form {pattern.pattern!r}"
            )
            raise ValidationError(msg, field="postal_code")

    def lines(self, locale: str = "en") -> list[str]:
        """The address as lines for a label, the country's name in ``locale``.

        Raises:
            ValidationError: for a locale babel does not know.
        """
        try:
            country = Locale.parse(locale).territories.get(self.country, self.country)
        except (UnknownLocaleError, ValueError, TypeError) as exc:
            msg = f"{locale!r} is not a locale babel knows, such as 'de_DE'"
            raise ValidationError(msg, field="locale") from exc
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        if self.region:
            place = f"{place}, {self.region}"
        parts = (self.name, self.company, self.street, self.street_2, place, country)
        return [part for part in parts if part]
