"""VAT identification numbers: their form, and their confirmation by VIES.

A sale to a business in another member state is free of VAT (an
intra-Community supply) only if the buyer's VAT id is valid in form and
checksum **and** confirmed by a VAT id service. :func:`vat_id` checks the
form with python-stdnum; the :class:`VatIdValidator` port asks the service
(the EU's VIES, or a national one) whether the number is registered.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final, Protocol

import attrs
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as stdnum_vat

from commercekit.pricing._checks import _is_flag, _is_optional_text
from commercekit.pricing._errors import InvalidVatIdError
from commercekit.values import CountryCode, CustomerFacts, as_utc, country_code

__all__ = [
    "VatId",
    "VatIdConfirmation",
    "VatIdValidator",
    "check_vat_id",
    "confirm_vat_id",
    "vat_id",
]

_SEPARATORS: Final = re.compile(r"[\s.\-]+")

_GREECE_ISO: Final = "GR"
_GREECE_VAT: Final = "EL"
_NORTHERN_IRELAND: Final = "XI"

# python-stdnum lists the member states by ISO code, Greece as "gr", and adds
# Northern Ireland ("xi"); VAT ids write Greece as "EL".
_PREFIXES: Final = frozenset(
    {_GREECE_VAT}
    | {
        code.upper()
        for code in stdnum_vat.MEMBER_STATES
        if code.upper() not in {_GREECE_ISO, _NORTHERN_IRELAND}
    }
)


@attrs.frozen
class VatId:
    """A VAT identification number of an EU member state, checked in form.

    Make one with :func:`vat_id`, which normalises and checks the number. The
    constructor does not check again, so that an id stored years ago still
    loads when the checksum rules of a country have changed since.

    Args:
        value: The compact number with its VAT prefix, such as
            ``"FR40303265045"``; Greek ids start with ``EL``.
        country: The ISO 3166-1 code of the member state that issued it
            (``"GR"`` for an ``EL`` id).

    >>> str(vat_id("EL 094 259 216")), vat_id("EL094259216").country
    ('EL094259216', 'GR')
    """

    value: str
    country: CountryCode

    def __str__(self) -> str:
        return self.value


def _utc_checked_at(value: datetime) -> datetime:
    return as_utc(value, field="checked_at")


@attrs.frozen(kw_only=True)
class VatIdConfirmation:
    """What a VAT id service answered about one number: the proof of a check.

    Keep it with the sale: a tax audit asks whether the buyer's id was
    confirmed when the goods were sold free of VAT.

    Args:
        vat_id: The number that was checked.
        valid: Whether the service confirmed that the number is registered.
        checked_at: When the service answered; an aware datetime, stored in UTC.
        name: The registered name of the business, if the service returned it.
        reference: The service's consultation or request number, if it gave
            one: the proof of the check (in Germany, that of a "qualifizierte
            Bestätigungsabfrage").

    >>> from datetime import UTC, datetime
    >>> VatIdConfirmation(
    ...     vat_id=vat_id("FR40303265045"),
    ...     valid=True,
    ...     checked_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
    ... ).reference is None
    True
    """

    vat_id: VatId = attrs.field(validator=attrs.validators.instance_of(VatId))
    valid: bool = attrs.field(validator=_is_flag)
    checked_at: datetime = attrs.field(converter=_utc_checked_at)
    name: str | None = attrs.field(default=None, validator=_is_optional_text)
    reference: str | None = attrs.field(default=None, validator=_is_optional_text)


class VatIdValidator(Protocol):
    """Asks a VAT id service whether a number is registered.

    Contract:

    * :meth:`confirm` asks the EU's VIES service (or a national one, such as
      the German Bundeszentralamt für Steuern) about a number that
      :func:`vat_id` has checked in form, and returns what it answered as a
      :class:`VatIdConfirmation` for that number.
    * A number the service does not know as registered is an answer, not a
      failure: ``valid=False``.
    * When the service cannot answer (it is down, times out, or the member
      state's own database is unavailable), :meth:`confirm` raises
      :class:`~commercekit.errors.ExternalServiceError` with ``service``
      naming it and ``retryable=True`` if the same call may succeed later.

    ``commercekit.testing.FakeVatIdValidator`` is a double for tests.
    """

    def confirm(self, vat_id: VatId) -> VatIdConfirmation:
        """Ask whether ``vat_id`` is registered; return the service's answer."""
        ...


def _refuse(given: str, reason: str) -> InvalidVatIdError:
    return InvalidVatIdError(vat_id=given, reason=reason, field="vat_id")


def _stdnum_reason(exc: stdnum_errors.ValidationError, prefix: str) -> str:
    if isinstance(exc, stdnum_errors.InvalidChecksum):
        return "the check digits do not match"
    if isinstance(exc, stdnum_errors.InvalidLength):
        return f"it has the wrong length for {prefix}"
    if isinstance(exc, stdnum_errors.InvalidFormat):
        return f"it has characters or a layout that {prefix} VAT ids do not have"
    if isinstance(exc, stdnum_errors.InvalidComponent):
        return f"a part of it is not valid for {prefix}"
    return f"it is not a valid {prefix} VAT id"


def vat_id(value: str) -> VatId:
    """Normalise a VAT id and check its form and checksum.

    Spaces, dots and dashes are dropped and letters put in capitals. The
    number must start with the VAT prefix of an EU member state (``EL`` for
    Greece; ``GR`` is accepted and written as ``EL``), and the rest must have
    the length, characters and check digits of that state's VAT ids, as
    python-stdnum checks them. This says nothing about whether the number is
    registered: ask a :class:`VatIdValidator` for that.

    Northern Ireland's ``XI`` ids are refused: commercekit's VAT rules cover
    the EU member states only, so far.

    Args:
        value: The number as the customer typed it.

    Returns:
        The number in compact form, with the member state that issued it.

    Raises:
        InvalidVatIdError: if the number is not text, is empty, has an unknown
            prefix, or has the wrong length, characters or check digits. Its
            ``reason`` says which.

    >>> vat_id("fr 40 303.265-045")
    VatId(value='FR40303265045', country='FR')
    >>> try:
    ...     vat_id("FR40303265046")
    ... except InvalidVatIdError as error:
    ...     print(error)
    VAT id 'FR40303265046' is not valid: the check digits do not match
    """
    given: object = value  # checked at run time too, for untyped callers
    if not isinstance(given, str):
        reason = f"it must be text, not {type(given).__name__}"
        raise _refuse(repr(given), reason)
    text = _SEPARATORS.sub("", given).upper()
    if not text:
        raise _refuse(given, "it is empty")
    prefix = text[:2]
    if prefix == _NORTHERN_IRELAND:
        reason = (
            "Northern Ireland VAT ids ('XI') are not supported: commercekit's "
            "VAT rules cover the EU member states only"
        )
        raise _refuse(given, reason)
    if prefix == _GREECE_ISO:
        prefix = _GREECE_VAT
        text = prefix + text[2:]
    if prefix not in _PREFIXES:
        if prefix.isalpha() and len(prefix) == len(_GREECE_VAT):
            reason = f"{prefix!r} is not an EU member state's prefix"
        else:
            reason = "it does not start with a member state's prefix, such as 'DE'"
        raise _refuse(given, reason)
    try:
        compact = stdnum_vat.validate(text)
    except stdnum_errors.ValidationError as exc:
        raise _refuse(given, _stdnum_reason(exc, prefix)) from exc
    country = _GREECE_ISO if prefix == _GREECE_VAT else prefix
    return VatId(compact, country_code(country))


def check_vat_id(value: str, *, validator: VatIdValidator) -> VatIdConfirmation:
    """Check a VAT id's form, then ask a VAT id service whether it is registered.

    For callers who keep the service's answer as proof; to update a
    customer's facts, use :func:`confirm_vat_id`.

    Args:
        value: The number as the customer typed it.
        validator: The service to ask, such as VIES.

    Returns:
        The service's answer, for the number in compact form.

    Raises:
        InvalidVatIdError: if the number is malformed; the service is not asked.
        ExternalServiceError: if the service cannot answer (see
            :class:`VatIdValidator`).

    >>> from commercekit.testing import FakeVatIdValidator
    >>> check_vat_id("DE 136 695 976", validator=FakeVatIdValidator()).valid
    True
    """
    return validator.confirm(vat_id(value))


def confirm_vat_id(facts: CustomerFacts, *, validator: VatIdValidator) -> CustomerFacts:
    """Check a customer's VAT id and record whether the service confirmed it.

    A sale is free of VAT as an intra-Community supply only with a confirmed
    VAT id; pricing reads ``facts.vat_id_confirmed``.

    Args:
        facts: The customer's facts; without a ``vat_id`` they are returned as
            they are and the service is not asked.
        validator: The service to ask, such as VIES.

    Returns:
        The facts with ``vat_id`` in compact form and ``vat_id_confirmed``
        set to the service's answer.

    Raises:
        InvalidVatIdError: if ``facts.vat_id`` is malformed; the service is
            not asked.
        ExternalServiceError: if the service cannot answer. The caller may
            retry later (see ``retryable``), or go on with facts whose
            ``vat_id_confirmed`` is False: the sale is then taxed normally.

    >>> from commercekit.testing import FakeVatIdValidator
    >>> facts = CustomerFacts(business=True, vat_id="fr 40 303 265 045")
    >>> confirmed = confirm_vat_id(facts, validator=FakeVatIdValidator())
    >>> confirmed.vat_id, confirmed.vat_id_confirmed
    ('FR40303265045', True)
    """
    if facts.vat_id is None:
        return facts
    checked = vat_id(facts.vat_id)
    confirmation = validator.confirm(checked)
    return attrs.evolve(
        facts, vat_id=checked.value, vat_id_confirmed=confirmation.valid
    )
